import { createRequire } from 'node:module';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { breaker } from '@tripswitch/koa';
import { describeServerTelemetry } from '@tripswitch/testkit/telemetry/server-telemetry-contract';
import { koaTelemetryDriver } from '@tripswitch/testkit/telemetry/server-telemetry-drivers';
import { sdk3 } from './sdk3.js';

const require = createRequire(import.meta.url);

describeServerTelemetry(
  sdk3,
  { BreakerRegistry, createTestClock },
  koaTelemetryDriver(
    breaker,
    () => require('koa'),
    () => require('@koa/router').Router,
  ),
);
