import { BreakerRegistry, createTestClock, type TestClock } from '@tripswitch/core';
import { afterEach, beforeEach } from 'vitest';
import { startUpstream, type Upstream } from './upstream.js';

/** What each test of a client adapter gets afresh from {@link useClientHarness}. */
export interface ClientHarness {
  /** A real local upstream (see `startUpstream`). */
  readonly upstream: Upstream;
  /** A new registry per test, so no breaker outlives its test. */
  readonly registry: BreakerRegistry;
  /** The breakers' clock: tests move it instead of sleeping. */
  readonly clock: TestClock;
}

/** Registers hooks that start an upstream, a registry and a test clock before each test, and stop them after. */
export function useClientHarness(): ClientHarness {
  let upstream: Upstream | undefined;
  let registry = new BreakerRegistry();
  let clock = createTestClock();
  beforeEach(async () => {
    upstream = await startUpstream();
    registry = new BreakerRegistry();
    clock = createTestClock();
  });
  afterEach(async () => {
    await upstream?.close();
    upstream = undefined;
  });
  return {
    get upstream() {
      if (upstream === undefined) throw new Error('the upstream runs only inside a test');
      return upstream;
    },
    get registry() {
      return registry;
    },
    get clock() {
      return clock;
    },
  };
}
