import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { describeAxiosTelemetry } from '../../testkit/src/telemetry/axios-telemetry-contract.js';
import { sdk2 } from '../../testkit/src/telemetry/sdk2.js';
import { startUpstream } from './test-support.js';

// The same bodies run on SDK 3.x and Node 24 in test/sdk3.
describeAxiosTelemetry(
  sdk2,
  { BreakerRegistry, createTestClock },
  {
    load: async () => {
      const { default: axios } = await import('axios');
      const { withBreaker, isCircuitOpenError } = await import('./index.js');
      return { axios, withBreaker, isCircuitOpenError };
    },
    startUpstream: () => startUpstream(),
  },
);
