/**
 * Test support of the Axios adapter (not part of the package's exports): the harness of its own tests.
 * The upstream and the other shared helpers come from the testkit.
 */
import type { BreakerRegistry, CircuitBreaker, TestClock } from '@tripswitch/core';
import { useClientHarness } from '@tripswitch/testkit/client-harness';
import type { ClientTelemetryDeps } from '@tripswitch/testkit/telemetry/client-telemetry-contract';
import { clientTelemetryDeps } from '@tripswitch/testkit/telemetry/client-telemetry-deps';
import type { Upstream } from '@tripswitch/testkit/upstream';
import axios, { type AxiosInstance, type AxiosStatic, type CreateAxiosDefaults } from 'axios';
import { expect } from 'vitest';
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

/** The testkit's client harness, plus an Axios instance with a breaker installed on its upstream. */
export function useHarness(): Harness {
  const base = useClientHarness();
  const h: Harness = {
    get upstream() {
      return base.upstream;
    },
    get registry() {
      return base.registry;
    },
    get clock() {
      return base.clock;
    },
    client(options = {}, defaults = {}) {
      const http = axios.create({ baseURL: h.upstream.origin, ...defaults });
      withBreaker(http, { registry: base.registry, clock: base.clock, ...options });
      return http;
    },
    breaker(name = h.upstream.origin) {
      expect(base.registry.has(name)).toBe(true);
      return base.registry.get(name);
    },
  };
  return h;
}

/** What the client telemetry contract needs of Axios and this package (the sources, or the build). */
export interface AxiosModules {
  readonly axios: AxiosStatic;
  readonly withBreaker: typeof withBreaker;
  readonly isCircuitOpenError: (error: unknown) => boolean;
}

/** The Axios adapter for the testkit's client telemetry contract, under the HTTP instrumentation. */
export function axiosTelemetryDeps(load: () => Promise<AxiosModules>): ClientTelemetryDeps {
  return clientTelemetryDeps({
    label: 'axios',
    instrumentation: (line) => line.instrumentations.http(),
    resetErrorType: 'ECONNRESET',
    load,
    install: (m, options) => {
      const http = m.axios.create();
      m.withBreaker(http, options);
      return (url, method) => http.request({ url, method });
    },
  });
}
