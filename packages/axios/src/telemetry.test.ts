import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { describeClientTelemetry } from '@tripswitch/testkit/telemetry/client-telemetry-contract';
import { sdk2 } from '@tripswitch/testkit/telemetry/sdk2';
import { axiosTelemetryDeps } from './test-support.js';

// The same bodies run on SDK 3.x and Node 24 in test-sdk3.
describeClientTelemetry(
  sdk2,
  { BreakerRegistry, createTestClock },
  axiosTelemetryDeps(async () => {
    const { default: axios } = await import('axios');
    const { withBreaker, isCircuitOpenError } = await import('./index.js');
    return { axios, withBreaker, isCircuitOpenError };
  }),
);
