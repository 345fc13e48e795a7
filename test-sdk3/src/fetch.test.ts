import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { describeClientTelemetry } from '@tripswitch/testkit/telemetry/client-telemetry-contract';
import { interceptorTelemetryDeps, withBreakerTelemetryDeps } from '../../packages/fetch/src/test-support.js';
import { sdk3 } from './sdk3.js';

const core = { BreakerRegistry, createTestClock };
const built = async () => {
  const m = await import('@tripswitch/fetch');
  return { ...m, undici: await import('undici') };
};
describeClientTelemetry(sdk3, core, withBreakerTelemetryDeps(built));
describeClientTelemetry(sdk3, core, interceptorTelemetryDeps(built));
