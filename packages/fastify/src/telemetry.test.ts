import { createRequire } from 'node:module';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { sdk2 } from '@tripswitch/testkit/telemetry/sdk2';
import { describeServerTelemetry } from '@tripswitch/testkit/telemetry/server-telemetry-contract';
import { fastifyTelemetryDriver } from '@tripswitch/testkit/telemetry/server-telemetry-drivers';
import { tripswitch } from './tripswitch.js';

const require = createRequire(import.meta.url);

// With @fastify/otel: the same bodies Express and Koa run (SDK 2.x).
for (const major of [4, 5]) {
  describeServerTelemetry(
    { ...sdk2, label: `${sdk2.label}, Fastify ${major}` },
    { BreakerRegistry, createTestClock },
    fastifyTelemetryDriver(tripswitch, () => require(`fastify${major}`)),
  );
}
