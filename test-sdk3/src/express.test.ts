import { createRequire } from 'node:module';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { breaker } from '@tripswitch/express';
import { describeServerTelemetry } from '@tripswitch/testkit/telemetry/server-telemetry-contract';
import { expressTelemetryDriver } from '@tripswitch/testkit/telemetry/server-telemetry-drivers';
import { sdk3 } from './sdk3.js';

const require = createRequire(import.meta.url);

describeServerTelemetry(
  sdk3,
  { BreakerRegistry, createTestClock },
  expressTelemetryDriver(breaker, () => require('express')),
);
