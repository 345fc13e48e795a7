import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { BreakerRegistry, CircuitBreaker, createTestClock } from '@tripswitch/core';
import { describeCoreTelemetry } from '@tripswitch/testkit/telemetry/core-telemetry-contract';
import { sdk3 } from './sdk3.js';

const require = createRequire(import.meta.url);
const { version } = JSON.parse(readFileSync(require.resolve('@tripswitch/core/package.json'), 'utf8')) as {
  version: string;
};

describeCoreTelemetry(sdk3, { CircuitBreaker, BreakerRegistry, createTestClock, version });
