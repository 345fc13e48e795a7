import { BreakerRegistry, type CircuitBreaker, createTestClock } from '@tripswitch/core';
import axios, { AxiosError, type AxiosRequestConfig, CanceledError } from 'axios';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { axiosAnswers, defaultIsFailure, isCancellation, isNotSent, statusOf } from './classify.js';
import { withBreaker } from './index.js';
import { counts, startUpstream, type Upstream } from './test-support.js';

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

  it('counts a hang past the timeout as a failure with clarifyTimeoutError too (ETIMEDOUT)', async () => {
    const { error } = await send('/?do=hang', { timeout: 60, transitional: { clarifyTimeoutError: true } });
    expect((error as AxiosError).code).toBe('ETIMEDOUT');
    expect(counts(breaker)).toMatchObject({ failure: 1, inFlight: 0 });
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

describe('isCancellation and isNotSent', () => {
  const config = { headers: new axios.AxiosHeaders() };

  it('tell cancellations and unsent requests (the errors the guard skips) from the rest', () => {
    expect(isCancellation(new CanceledError(), config)).toBe(true);
    expect(isNotSent(new AxiosError('x', 'ERR_INVALID_URL'))).toBe(true);
    const aborted = { ...config, signal: AbortSignal.abort() };
    expect(isCancellation(new AxiosError('x', 'ECONNRESET'), aborted)).toBe(true);
    expect(isCancellation(new AxiosError('x', 'ECONNRESET'), config)).toBe(false);
    expect(isNotSent(new AxiosError('x', 'ECONNRESET'))).toBe(false);
  });

  it('treats ERR_BAD_REQUEST as unsent only without a response (with one it is a 4xx)', () => {
    expect(isNotSent(new AxiosError('x', 'ERR_BAD_REQUEST'))).toBe(true);
    const r = { status: 400, statusText: '', headers: {}, config, data: null };
    expect(isNotSent(new AxiosError('x', 'ERR_BAD_REQUEST', undefined, undefined, r as never))).toBe(false);
  });
});

describe('axiosAnswers', () => {
  it('reads headers from plain or AxiosHeaders headers, of a response or an error response', () => {
    const answer = (headers: unknown) => ({ status: 503, headers });
    expect(axiosAnswers.headerOf(answer({ 'retry-after': '7' }), 'retry-after')).toBe('7');
    expect(axiosAnswers.headerOf(answer(new axios.AxiosHeaders({ 'Retry-After': '3' })), 'retry-after')).toBe(
      '3',
    );
    expect(axiosAnswers.headerOf(answer({ 'retry-after': ['9', '1'] }), 'retry-after')).toBe('9');
    const config = { headers: new axios.AxiosHeaders() };
    const r = { status: 429, statusText: '', headers: { date: 'd' }, config, data: null };
    expect(axiosAnswers.headerOf(new AxiosError('x', 'E', undefined, undefined, r as never), 'date')).toBe(
      'd',
    );
    expect(axiosAnswers.headerOf(new AxiosError('x', 'ECONNRESET'), 'retry-after')).toBeUndefined();
  });

  it('records the status of a failing answer, else the error itself', () => {
    const error = new AxiosError('x', 'ECONNRESET');
    expect(axiosAnswers.failureOf(error)).toBe(error);
    expect(axiosAnswers.failureOf({ status: 502, headers: {} })).toBe(502);
  });
});
