import type { CircuitBreaker, StateChangeEvent } from '@tripswitch/core';
import axios, { type AxiosInstance } from 'axios';
import { beforeEach, describe, expect, it } from 'vitest';
import {
  type AxiosBreakerOptions,
  type BreakerOptionsForAxios,
  isCircuitOpenError,
  withBreaker,
} from './index.js';
import { useHarness } from './test-support.js';

const h = useHarness();
let transitions: StateChangeEvent[];

beforeEach(() => {
  transitions = [];
});

function client(
  core: BreakerOptionsForAxios = {},
  adapter: Pick<AxiosBreakerOptions, 'respectRetryAfter' | 'isFailure'> = {},
): { http: AxiosInstance; breaker: CircuitBreaker<never> } {
  const breakerOptions = { clock: h.clock, failureThreshold: 5, resetTimeout: 1000, ...core };
  // Created up front with the same core options, so the test can watch its transitions.
  const breaker = h.registry.get(h.upstream.origin, breakerOptions);
  breaker.on('stateChange', (event) => transitions.push(event));
  const http = axios.create({ baseURL: h.upstream.origin });
  withBreaker(http, { registry: h.registry, ...adapter, ...breakerOptions });
  return { http, breaker };
}

async function settle(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    (response) => response,
    (error: unknown) => error,
  );
}

/** Asserts the breaker rejects now and admits a trial after exactly `ms` more on the clock. */
async function expectOpenFor(http: AxiosInstance, breaker: CircuitBreaker<never>, ms: number) {
  expect(breaker.state).toBe('open');
  expect(breaker.retryAfterMs).toBe(ms);
  const requests = h.upstream.requests;
  h.clock.advance(ms - 1);
  const rejection = await settle(http.get('/x'));
  expect(isCircuitOpenError(rejection)).toBe(true);
  expect((rejection as { retryAfterMs: number }).retryAfterMs).toBe(1);
  expect(h.upstream.requests).toBe(requests);
  h.clock.advance(1);
  h.upstream.mode = { status: 200 };
  await expect(http.get('/x')).resolves.toMatchObject({ status: 200 });
  expect(h.upstream.requests).toBe(requests + 1);
  expect(breaker.state).toBe('closed');
}

describe('Retry-After', () => {
  it('honours Retry-After on a 503 that validateStatus let Axios resolve', async () => {
    const { http, breaker } = client();
    h.upstream.mode = { status: 503, headers: { 'retry-after': '30' } };
    await expect(http.get('/x', { validateStatus: () => true })).resolves.toMatchObject({ status: 503 });
    await expectOpenFor(http, breaker, 30_000);
  });
});
