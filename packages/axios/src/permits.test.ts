import { BreakerRegistry, type CircuitBreaker } from '@tripswitch/core';
import axios, { type AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { withBreaker } from './index.js';
import { counts, useHarness } from './test-support.js';

const h = useHarness();
const client = h.client;
const breaker = () => h.breaker();

/** A hook (interceptor, transform, adapter) that throws `error`. */
const throws = (error: Error) => () => {
  throw error;
};

async function outcome(promise: Promise<unknown>): Promise<{ ok: boolean; value: unknown }> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (value: unknown) => ({ ok: false, value }),
  );
}

/** Every admitted call settled exactly once: `admitted` outcomes in all, none still in flight. */
function expectSettled(b: CircuitBreaker<never>, expected: Partial<ReturnType<typeof counts>>) {
  expect(counts(b)).toEqual({ success: 0, failure: 0, ignored: 0, rejected: 0, inFlight: 0, ...expected });
}

describe('permits are settled exactly once', () => {
  it('when a request interceptor throws: nothing is admitted, nothing is sent', async () => {
    const http = client();
    const boom = new Error('request interceptor');
    http.interceptors.request.use(throws(boom));
    expect((await outcome(http.get('/x'))).value).toBe(boom);
    expect(h.registry.has(h.upstream.origin)).toBe(false);
    expect(h.upstream.requests).toBe(0);
  });

  it('when a response interceptor throws after the answer: one success', async () => {
    const http = client();
    const boom = new Error('response interceptor');
    http.interceptors.response.use(throws(boom));
    expect((await outcome(http.get('/x'))).value).toBe(boom);
    expectSettled(breaker(), { success: 1 });
  });

  it('when a response interceptor turns a failure into a value: one failure', async () => {
    const http = client();
    http.interceptors.response.use(undefined, () => ({ data: 'recovered' }));
    h.upstream.mode = { status: 500 };
    expect(await outcome(http.get('/x'))).toEqual({ ok: true, value: { data: 'recovered' } });
    expectSettled(breaker(), { failure: 1 });
  });

  it('when transforming the response throws: one success (the upstream answered)', async () => {
    const http = client();
    const boom = new Error('transform');
    const result = await outcome(http.get('/x', { transformResponse: [throws(boom)] }));
    expect(result.ok).toBe(false);
    expectSettled(breaker(), { success: 1 });
  });

  it('when the adapter throws synchronously or rejects: one failure each, the error unchanged', async () => {
    const boom = new Error('adapter bug');
    const http = client({}, { adapter: [throws(boom)] });
    expect((await outcome(http.get('/x'))).value).toBe(boom);
    const rejecting = client({ registry: new BreakerRegistry() }, { adapter: () => Promise.reject(boom) });
    expect((await outcome(rejecting.get('/x'))).value).toBe(boom);
    expectSettled(breaker(), { failure: 1 });
  });

  it('when the adapter cannot be resolved: nothing is admitted', async () => {
    const http = client({}, { adapter: 'nonexistent' as never });
    const result = await outcome(http.get('/x'));
    expect((result.value as AxiosError).message).toMatch(/Unknown adapter/);
    expect(h.registry.has(h.upstream.origin)).toBe(false);
  });

  it('when a URL cannot be resolved: the request goes to Axios without a breaker, and Axios rejects it', async () => {
    const http = axios.create();
    withBreaker(http, { registry: h.registry, clock: h.clock });
    const result = await outcome(http.get('/relative/without/base'));
    expect((result.value as AxiosError).code).toBe('ERR_INVALID_URL');
    expect(h.registry.size).toBe(0);
  });
});
