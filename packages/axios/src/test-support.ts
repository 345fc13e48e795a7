/**
 * Test support of the Axios adapter (not part of the package's exports): the harness of its own tests.
 * The upstream and the other shared helpers come from the testkit.
 */
import { BreakerRegistry, type CircuitBreaker, createTestClock, type TestClock } from '@tripswitch/core';
import { startUpstream, type Upstream } from '@tripswitch/testkit/upstream';
import axios, { type AxiosInstance, type CreateAxiosDefaults } from 'axios';
import { afterEach, beforeEach, expect } from 'vitest';
import { type AxiosBreakerOptions, withBreaker } from './index.js';

export { counts } from '@tripswitch/testkit/breaker-counts';
export { rejectionOf } from '@tripswitch/testkit/rejection-of';
export { seededRandom } from '@tripswitch/testkit/seeded-random';
export { closedPort, startUpstream, type Upstream, type UpstreamMode } from '@tripswitch/testkit/upstream';

/** What each test of a file using {@link useHarness} gets afresh. */
export interface Harness {
  readonly upstream: Upstream;
  /** A new registry per test, so no breaker outlives its test. */
  readonly registry: BreakerRegistry;
  /** The breakers' clock: tests move it instead of sleeping. */
  readonly clock: TestClock;
  /** An Axios instance on the upstream with a breaker installed (this test's registry and clock). */
  client(options?: AxiosBreakerOptions, defaults?: CreateAxiosDefaults): AxiosInstance;
  /** The breaker withBreaker created for `name` (the upstream's origin by default); fails if there is none. */
  breaker(name?: string): CircuitBreaker<never>;
}

/** Registers hooks that start an upstream, a registry and a test clock before each test, and stop them after. */
export function useHarness(): Harness {
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
  const h: Harness = {
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
    client(options = {}, defaults = {}) {
      const http = axios.create({ baseURL: h.upstream.origin, ...defaults });
      withBreaker(http, { registry, clock, ...options });
      return http;
    },
    breaker(name = h.upstream.origin) {
      expect(registry.has(name)).toBe(true);
      return registry.get(name);
    },
  };
  return h;
}
