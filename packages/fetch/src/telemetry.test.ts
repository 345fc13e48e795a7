import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { describeClientTelemetry } from '@tripswitch/testkit/telemetry/client-telemetry-contract';
import { sdk2 } from '@tripswitch/testkit/telemetry/sdk2';
import { interceptorTelemetryDeps, withBreakerTelemetryDeps } from './test-support.js';

// The same bodies run on SDK 3.x and Node 24 in test-sdk3.
const core = { BreakerRegistry, createTestClock };
const sources = async () => {
  const m = await import('./index.js');
  return { ...m, undici: await import('undici') };
};
describeClientTelemetry(sdk2, core, withBreakerTelemetryDeps(sources));
describeClientTelemetry(sdk2, core, interceptorTelemetryDeps(sources));
