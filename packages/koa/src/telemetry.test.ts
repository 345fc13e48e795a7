import { createRequire } from 'node:module';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { sdk2 } from '../../testkit/src/telemetry/sdk2.js';
import { describeServerTelemetry } from '../../testkit/src/telemetry/server-telemetry-contract.js';
import { koaTelemetryDriver } from '../../testkit/src/telemetry/server-telemetry-drivers.js';
import { breaker } from './middleware.js';

const require = createRequire(import.meta.url);

// The same bodies run on SDK 3.x and Node 24 in test/sdk3.
describeServerTelemetry(
  sdk2,
  { BreakerRegistry, createTestClock },
  koaTelemetryDriver(
    breaker,
    () => require('koa'),
    () => require('@koa/router').Router,
  ),
);
