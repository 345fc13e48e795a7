import { createRequire } from 'node:module';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { tripswitch } from '@tripswitch/fastify';
import { describeServerTelemetry } from '@tripswitch/testkit/telemetry/server-telemetry-contract';
import { fastifyTelemetryDriver } from '@tripswitch/testkit/telemetry/server-telemetry-drivers';
import { sdk3 } from './sdk3.js';

const require = createRequire(import.meta.url);

// No released @fastify/otel supports the 3.x instrumentation line yet: the contract runs under the HTTP
// instrumentation alone (it says so in its title) and checks every tripswitch span as on SDK 2.x.
describeServerTelemetry(
  sdk3,
  { BreakerRegistry, createTestClock },
  fastifyTelemetryDriver(tripswitch, () => require('fastify')),
);
