import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { describeClientTelemetry } from '@tripswitch/testkit/telemetry/client-telemetry-contract';
import { axiosTelemetryDeps } from '../../packages/axios/src/test-support.js';
import { sdk3 } from './sdk3.js';

describeClientTelemetry(
  sdk3,
  { BreakerRegistry, createTestClock },
  axiosTelemetryDeps(async () => {
    const { default: axios } = await import('axios');
    const { withBreaker, isCircuitOpenError } = await import('@tripswitch/axios');
    return { axios, withBreaker, isCircuitOpenError };
  }),
);
