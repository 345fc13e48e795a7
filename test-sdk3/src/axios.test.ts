import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { describeAxiosTelemetry } from '@tripswitch/testkit/telemetry/axios-telemetry-contract';
import { startUpstream } from '@tripswitch/testkit/upstream';
import { sdk3 } from './sdk3.js';

describeAxiosTelemetry(
  sdk3,
  { BreakerRegistry, createTestClock },
  {
    load: async () => {
      const { default: axios } = await import('axios');
      const { withBreaker, isCircuitOpenError } = await import('@tripswitch/axios');
      return { axios, withBreaker, isCircuitOpenError };
    },
    startUpstream: () => startUpstream(),
  },
);
