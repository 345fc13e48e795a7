import type { BreakerRegistry, TestClock } from '@tripswitch/core';
import { afterEach, beforeEach } from 'vitest';
import { useServerHarness } from './server-harness.js';
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
  const harness = useServerHarness<Upstream>();
  let upstream: Upstream | undefined;
  beforeEach(async () => {
    upstream = harness.started(await startUpstream());
  });
  afterEach(() => {
    upstream = undefined;
  });
  return Object.defineProperty(harness, 'upstream', {
    get() {
      if (upstream === undefined) throw new Error('the upstream runs only inside a test');
      return upstream;
    },
  }) as typeof harness & ClientHarness;
}
