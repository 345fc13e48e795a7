import { BreakerRegistry, type CircuitBreaker, createTestClock } from '@tripswitch/core';
import axios, { AxiosError, type AxiosRequestConfig, CanceledError } from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { classifyError, defaultIsFailure, isNotSent, retryAfterOf, statusOf } from './classify.js';
import { withBreaker } from './index.js';
import { closedPort, counts, startUpstream, type Upstream } from './test-support.js';

let upstream: Upstream;
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await upstream.close();
});

describe('classification of real requests (default isFailure)', () => {
  let registry: BreakerRegistry;
  let breaker: CircuitBreaker<never>;
  let failures: unknown[];

  beforeEach(() => {
    registry = new BreakerRegistry();
    // Created up front (withBreaker reuses it by name) so the test can listen to its events.
    breaker = registry.get(upstream.origin, { clock: createTestClock(), failureThreshold: 100 });
    failures = [];
    breaker.on('failure', (event) => failures.push(event.error));
  });

  async function send(path: string, config: AxiosRequestConfig = {}, baseURL = upstream.origin) {
    const http = axios.create({ baseURL });
    withBreaker(http, { registry });
    try {
      return { response: await http.get(path, config), error: undefined };
    } catch (error) {
      return { response: undefined, error };
    }
  }

  it.each([
    ['200', '/?status=200', 'success'],
    ['201', '/?status=201', 'success'],
    ['404', '/?status=404', 'success'],
    ['400', '/?status=400', 'success'],
    ['500', '/?status=500', 'failure'],
    ['502', '/?status=502', 'failure'],
    ['503', '/?status=503', 'failure'],
    ['429', '/?status=429', 'failure'],
    ['a slow 200 within the timeout', '/?delay=40', 'success'],
  ] as const)('counts %s as a %s', async (_, path, expected) => {
    await send(path, { timeout: 2000 });
    const c = counts(breaker);
    expect({ success: c.success, failure: c.failure, ignored: c.ignored, inFlight: c.inFlight }).toEqual({
      success: expected === 'success' ? 1 : 0,
      failure: expected === 'failure' ? 1 : 0,
      ignored: 0,
      inFlight: 0,
    });
    // HTTP failures are reported with the status number, so telemetry's error.type is the status.
    if (expected === 'failure') expect(failures).toEqual([Number(path.slice(-3))]);
  });

  it('counts a reset connection as a failure (ECONNRESET)', async () => {
    const { error } = await send('/?do=reset');
    expect((error as AxiosError).code).toBe('ECONNRESET');
    expect(counts(breaker)).toMatchObject({ failure: 1, inFlight: 0 });
    expect(failures).toEqual([error]);
  });

  it('counts a hang past the Axios timeout as a failure (ECONNABORTED)', async () => {
    const { error } = await send('/?do=hang', { timeout: 60 });
    expect((error as AxiosError).code).toBe('ECONNABORTED');
    expect(counts(breaker)).toMatchObject({ failure: 1, inFlight: 0 });
  });

  it('counts a hang past the timeout as a failure with clarifyTimeoutError too (ETIMEDOUT)', async () => {
    const { error } = await send('/?do=hang', { timeout: 60, transitional: { clarifyTimeoutError: true } });
    expect((error as AxiosError).code).toBe('ETIMEDOUT');
    expect(counts(breaker)).toMatchObject({ failure: 1, inFlight: 0 });
  });

  it('counts a refused connection as a failure (ECONNREFUSED)', async () => {
    const port = await closedPort();
    const origin = `http://127.0.0.1:${port}`;
    const b = registry.get(origin, { clock: createTestClock() });
    const { error } = await send('/', {}, origin);
    expect((error as AxiosError).code).toBe('ECONNREFUSED');
    expect(counts(b)).toMatchObject({ failure: 1, inFlight: 0 });
  });

  it('counts an unresolvable host as a failure (ENOTFOUND or EAI_AGAIN)', async () => {
    const origin = 'http://tripswitch-test.invalid:80';
    const b = registry.get(origin, { clock: createTestClock() });
    const { error } = await send('/', { timeout: 5000 }, 'http://tripswitch-test.invalid');
    expect(['ENOTFOUND', 'EAI_AGAIN']).toContain((error as AxiosError).code);
    expect(counts(b)).toMatchObject({ failure: 1, inFlight: 0 });
  });

  it('ignores a request cancelled in flight (signal or cancelToken)', async () => {
    const controller = new AbortController();
    const before = upstream.requests;
    const pending = send('/?delay=1000', { signal: controller.signal });
    await upstream.whenRequests(before + 1);
    controller.abort();
    expect(axios.isCancel((await pending).error)).toBe(true);

    const source = axios.CancelToken.source();
    const legacy = send('/?delay=1000', { cancelToken: source.token });
    await upstream.whenRequests(before + 2);
    source.cancel('stop');
    expect(axios.isCancel((await legacy).error)).toBe(true);
    expect(counts(breaker)).toMatchObject({ ignored: 2, failure: 0, success: 0, inFlight: 0 });
  });

  it('takes no permit for a request cancelled before it is sent', async () => {
    const before = upstream.requests;
    const { error } = await send('/', { signal: AbortSignal.abort() });
    expect(axios.isCancel(error)).toBe(true);
    expect(counts(breaker)).toMatchObject({ success: 0, failure: 0, ignored: 0, rejected: 0 });
    expect(upstream.requests).toBe(before);
  });

  it('classifies the status, not whether Axios resolved: validateStatus variations', async () => {
    const resolved500 = await send('/?status=500', { validateStatus: () => true });
    expect(resolved500.response?.status).toBe(500);
    const rejected404 = await send('/?status=404', { validateStatus: (s) => s < 300 });
    expect((rejected404.error as AxiosError).response?.status).toBe(404);
    const nullValidate = await send('/?status=503', { validateStatus: null });
    expect(nullValidate.response?.status).toBe(503);
    const rejected200 = await send('/?status=200', { validateStatus: () => false });
    expect((rejected200.error as AxiosError).response?.status).toBe(200);
    expect(counts(breaker)).toMatchObject({ failure: 2, success: 2, inFlight: 0 });
    expect(failures).toEqual([500, 503]);
  });

  it('ignores requests that were never sent as asked (invalid header, bad body, unsupported protocol)', async () => {
    const before = upstream.requests;
    const badHeader = await send('/', { headers: { 'x bad': '1' } });
    expect((badHeader.error as { code?: string }).code).toBe('ERR_INVALID_HTTP_TOKEN');
    const badBody = await send('/', { method: 'post', data: Symbol('x'), transformRequest: [(d) => d] });
    expect((badBody.error as AxiosError).code).toBe('ERR_BAD_REQUEST');
    expect(counts(breaker)).toMatchObject({ ignored: 2, failure: 0, success: 0, inFlight: 0 });
    expect(upstream.requests).toBe(before);

    const ftp = registry.get('ftp://127.0.0.1:21', { clock: createTestClock() });
    const unsupported = await send('ftp://127.0.0.1/');
    expect((unsupported.error as AxiosError).code).toBe('ERR_BAD_REQUEST');
    expect(counts(ftp)).toMatchObject({ ignored: 1, failure: 0, inFlight: 0 });
  });
});

describe('defaultIsFailure', () => {
  const config = { headers: new axios.AxiosHeaders() };
  const response = (status: number) => ({ status, statusText: '', headers: {}, config, data: null });

  it('fails 5xx and 429 responses, and passes every other status', () => {
    for (const status of [500, 502, 503, 504, 599, 429])
      expect(defaultIsFailure(response(status))).toBe(true);
    for (const status of [200, 204, 301, 304, 400, 401, 403, 404, 409, 422]) {
      expect(defaultIsFailure(response(status))).toBe(false);
    }
  });

  it('judges an error with a response by its status, and fails one without a response', () => {
    const withResponse = (status: number) =>
      new AxiosError('x', 'ERR_BAD_RESPONSE', undefined, undefined, response(status) as never);
    expect(defaultIsFailure(withResponse(503))).toBe(true);
    expect(defaultIsFailure(withResponse(404))).toBe(false);
    for (const code of ['ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'ETIMEDOUT', 'ECONNABORTED', 'EPROTO']) {
      expect(defaultIsFailure(new AxiosError('x', code))).toBe(true);
    }
    expect(defaultIsFailure(new Error('plain'))).toBe(true);
    expect(defaultIsFailure('a string')).toBe(true);
  });

  it('statusOf reads a response or an error response', () => {
    expect(statusOf(response(418))).toBe(418);
    expect(statusOf(new AxiosError('x', 'E', undefined, undefined, response(502) as never))).toBe(502);
    expect(statusOf(new AxiosError('x', 'ECONNRESET'))).toBeUndefined();
    expect(statusOf(undefined)).toBeUndefined();
  });
});

describe('classifyError', () => {
  const config = { headers: new axios.AxiosHeaders() };

  it('ignores cancellations and unsent requests before asking isFailure', () => {
    const asked: unknown[] = [];
    const isFailure = (e: unknown) => {
      asked.push(e);
      return true;
    };
    expect(classifyError(new CanceledError(), config, undefined, isFailure)).toBe('ignore');
    expect(classifyError(new AxiosError('x', 'ERR_INVALID_URL'), config, undefined, isFailure)).toBe(
      'ignore',
    );
    const aborted = { ...config, signal: AbortSignal.abort() };
    expect(classifyError(new AxiosError('x', 'ECONNRESET'), aborted, undefined, isFailure)).toBe('ignore');
    expect(asked).toEqual([]);
    expect(classifyError(new AxiosError('x', 'ECONNRESET'), config, () => true, isFailure)).toBe('ignore');
    expect(classifyError(new AxiosError('x', 'ECONNRESET'), config, undefined, isFailure)).toBe('failure');
    expect(classifyError(new AxiosError('x', 'ECONNRESET'), config, undefined, () => false)).toBe('success');
  });

  it('treats ERR_BAD_REQUEST as unsent only without a response (with one it is a 4xx)', () => {
    expect(isNotSent(new AxiosError('x', 'ERR_BAD_REQUEST'))).toBe(true);
    const r = { status: 400, statusText: '', headers: {}, config, data: null };
    expect(isNotSent(new AxiosError('x', 'ERR_BAD_REQUEST', undefined, undefined, r as never))).toBe(false);
    expect(isNotSent(new AxiosError('x', 'ECONNRESET'))).toBe(false);
  });
});

describe('retryAfterOf', () => {
  const now = Date.UTC(2025, 0, 1, 12, 0, 0);

  it('only reads 429 and 503 answers, from plain or AxiosHeaders headers, capped at maxMs', () => {
    const answer = (status: number, headers: unknown) => ({ status, headers });
    expect(retryAfterOf(answer(503, { 'retry-after': '7' }), now, 600_000)).toBe(7000);
    expect(retryAfterOf(answer(429, new axios.AxiosHeaders({ 'Retry-After': '3' })), now, 600_000)).toBe(
      3000,
    );
    expect(retryAfterOf(answer(503, { 'retry-after': ['9', '1'] }), now, 600_000)).toBe(9000);
    expect(retryAfterOf(answer(503, { 'retry-after': '86400' }), now, 60_000)).toBe(60_000);
    expect(retryAfterOf(answer(500, { 'retry-after': '7' }), now, 600_000)).toBeUndefined();
    expect(retryAfterOf(answer(200, { 'retry-after': '7' }), now, 600_000)).toBeUndefined();
    expect(retryAfterOf(new AxiosError('x', 'ECONNRESET'), now, 600_000)).toBeUndefined();
  });
});
