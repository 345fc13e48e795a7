import { BreakerRegistry, type CircuitBreaker, type StateChangeEvent } from '@tripswitch/core';
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
  it('opens for the seconds a 503 asks for, with reason retry_after', async () => {
    const { http, breaker } = client();
    h.upstream.mode = { status: 503, headers: { 'retry-after': '120' } };
    await settle(http.get('/x'));
    expect(transitions).toEqual([{ from: 'closed', to: 'open', reason: 'retry_after' }]);
    await expectOpenFor(http, breaker, 120_000);
  });

  it('opens for the seconds a 429 asks for', async () => {
    const { http, breaker } = client();
    h.upstream.mode = { status: 429, headers: { 'retry-after': '7' } };
    await settle(http.get('/x'));
    await expectOpenFor(http, breaker, 7000);
  });

  it("opens until an HTTP date, measured against the response's Date header", async () => {
    const { http, breaker } = client();
    // A server clock far from ours: only the difference between the two headers matters.
    const served = Date.UTC(2030, 5, 1, 8, 0, 0);
    h.upstream.mode = {
      status: 503,
      headers: {
        date: new Date(served).toUTCString(),
        'retry-after': new Date(served + 90_000).toUTCString(),
      },
    };
    await settle(http.get('/x'));
    expect(transitions.map((t) => t.reason)).toEqual(['retry_after']);
    await expectOpenFor(http, breaker, 90_000);
  });

  it('honours Retry-After on a 503 that validateStatus let Axios resolve', async () => {
    const { http, breaker } = client();
    h.upstream.mode = { status: 503, headers: { 'retry-after': '30' } };
    await expect(http.get('/x', { validateStatus: () => true })).resolves.toMatchObject({ status: 503 });
    await expectOpenFor(http, breaker, 30_000);
  });

  it('outlasts resetTimeout when the same failure also trips the breaker', async () => {
    const { http, breaker } = client({ failureThreshold: 1, resetTimeout: 1000 });
    h.upstream.mode = { status: 503, headers: { 'retry-after': '60' } };
    await settle(http.get('/x'));
    // The failure opened it (for 1 s); Retry-After lengthened the open period without a new transition.
    expect(transitions.map((t) => t.reason)).toEqual(['consecutive_failures']);
    await expectOpenFor(http, breaker, 60_000);
  });

  it('keeps a longer resetTimeout when the same failure trips the breaker (never shortens)', async () => {
    const { http, breaker } = client({ failureThreshold: 1, resetTimeout: 60_000 });
    h.upstream.mode = { status: 503, headers: { 'retry-after': '5' } };
    await settle(http.get('/x'));
    expect(transitions.map((t) => t.reason)).toEqual(['consecutive_failures']);
    await expectOpenFor(http, breaker, 60_000);
  });

  it('re-opens from half_open for the stated time when the trial gets a Retry-After', async () => {
    const { http, breaker } = client({ failureThreshold: 1, resetTimeout: 1000 });
    h.upstream.mode = { status: 500 };
    await settle(http.get('/x'));
    h.clock.advance(1000);
    h.upstream.mode = { status: 503, headers: { 'retry-after': '45' } };
    await settle(http.get('/x'));
    expect(transitions.map((t) => `${t.from}>${t.to}:${t.reason}`)).toEqual([
      'closed>open:consecutive_failures',
      'open>half_open:reset_timeout',
      'half_open>open:trial_failed',
    ]);
    expect(breaker.getMetrics().inFlight).toBe(0);
    await expectOpenFor(http, breaker, 45_000);
  });

  it('does nothing with respectRetryAfter: false, a 500, a missing or a bad header', async () => {
    const off = client({}, { respectRetryAfter: false });
    h.upstream.mode = { status: 503, headers: { 'retry-after': '120' } };
    await settle(off.http.get('/x'));
    expect(off.breaker.state).toBe('closed');

    const on = axios.create({ baseURL: h.upstream.origin });
    withBreaker(on, { registry: new BreakerRegistry(), clock: h.clock });
    for (const mode of [
      { status: 500, headers: { 'retry-after': '120' } },
      { status: 503 },
      { status: 503, headers: { 'retry-after': 'later' } },
      { status: 200, headers: { 'retry-after': '120' } },
    ]) {
      h.upstream.mode = mode;
      await settle(on.get('/x'));
    }
    expect(h.upstream.requests).toBe(5);
    // Three failures, under the default threshold of 5: had any header counted, the next call would be rejected.
    h.upstream.mode = { status: 200 };
    await expect(on.get('/x')).resolves.toMatchObject({ status: 200 });
  });

  it('does nothing when isFailure says the 429 is not a failure', async () => {
    const { http, breaker } = client({}, { isFailure: () => false });
    h.upstream.mode = { status: 429, headers: { 'retry-after': '120' } };
    await settle(http.get('/x'));
    expect(breaker.state).toBe('closed');
    expect(transitions).toEqual([]);
  });

  it('ignores a stale 503 + Retry-After from a call admitted before the circuit changed state', async () => {
    const { http, breaker } = client({ failureThreshold: 2, resetTimeout: 1000 });
    // Admitted while closed; its 503 + Retry-After comes back after the circuit has tripped and half-opened.
    const late = settle(http.get('/late?status=503&retryAfter=60&delay=200'));
    await h.upstream.whenRequests(1);
    await settle(http.get('/x?status=500'));
    await settle(http.get('/x?status=500'));
    expect(breaker.state).toBe('open');
    h.clock.advance(1000);
    const trial = settle(http.get('/trial?delay=400'));
    expect(breaker.state).toBe('half_open');
    expect(await late).toMatchObject({ response: { status: 503 } });
    expect(breaker.state).toBe('half_open'); // the stale Retry-After re-opened nothing
    expect(await trial).toMatchObject({ status: 200 });
    expect(breaker.state).toBe('closed');
    expect(transitions.map((t) => t.reason)).toEqual([
      'consecutive_failures',
      'reset_timeout',
      'trial_succeeded',
    ]);
    expect(breaker.getMetrics()).toMatchObject({ failureCount: 3, successCount: 1, inFlight: 0 });
  });
});
