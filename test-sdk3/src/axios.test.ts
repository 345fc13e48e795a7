import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { describeAxiosTelemetry } from '@tripswitch/testkit/telemetry/axios-telemetry-contract';
import { startUpstream } from '../../packages/axios/src/test-support.js';
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
