import { CircuitOpenError } from '@tripswitch/core';
import axios, { type AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { isAxiosCircuitOpenError, isCircuitOpenError, withBreaker } from './index.js';
import { counts, rejectionOf, startUpstream, useHarness } from './test-support.js';

const h = useHarness();
const client = h.client;
const breakerOf = h.breaker;

describe('withBreaker: admission and rejection', () => {
  it('applies the core options given to withBreaker (opens after failureThreshold failures)', async () => {
    const http = client({ failureThreshold: 2, resetTimeout: 30_000 });
    h.upstream.mode = { status: 500 };
    await rejectionOf(http.get('/a'));
    expect(breakerOf().state).toBe('closed');
    await rejectionOf(http.get('/a'));
    expect(breakerOf().state).toBe('open');
  });

  it('rejects with a CircuitOpenError carrying config, sends nothing, and reports retryAfterMs by the clock', async () => {
    const http = client({ failureThreshold: 2, resetTimeout: 30_000 });
    h.upstream.mode = { status: 500 };
    await rejectionOf(http.get('/a'));
    await rejectionOf(http.get('/a'));
    const requests = h.upstream.requests;
    const connections = h.upstream.connections;

    h.clock.advance(12_000);
    const errors: unknown[] = [];
    for (let i = 0; i < 10; i++) errors.push(await rejectionOf(http.get('/charges', { params: { i } })));

    expect(h.upstream.requests).toBe(requests);
    expect(h.upstream.connections).toBe(connections);
    const error = errors[0];
    expect(error).toBeInstanceOf(CircuitOpenError);
    expect(isCircuitOpenError(error)).toBe(true);
    expect(isAxiosCircuitOpenError(error)).toBe(true);
    if (!isAxiosCircuitOpenError(error)) throw error;
    expect(error.code).toBe('CIRCUIT_OPEN');
    expect(error.breakerName).toBe(h.upstream.origin);
    expect(error.state).toBe('open');
    expect(error.kind).toBe('circuit_open');
    expect(error.retryAfterMs).toBe(18_000);
    expect(error.config.url).toBe('/charges');
    expect(error.config.params).toEqual({ i: 0 });
    expect(counts(breakerOf())).toMatchObject({ failure: 2, rejected: 10, inFlight: 0 });

    h.clock.advance(18_000);
    h.upstream.mode = { status: 200 };
    await expect(http.get('/charges')).resolves.toMatchObject({ status: 200 });
    expect(breakerOf().state).toBe('closed');
    expect(h.upstream.requests).toBe(requests + 1);
  });

  it('keeps upstreams apart: one failing origin does not stop calls to another', async () => {
    const other = await startUpstream();
    try {
      const http = axios.create();
      withBreaker(http, { registry: h.registry, clock: h.clock, failureThreshold: 3 });
      h.upstream.mode = { status: 503 };
      for (let i = 0; i < 3; i++) await rejectionOf(http.get(`${h.upstream.origin}/x`));
      expect(breakerOf(h.upstream.origin).state).toBe('open');

      for (let i = 0; i < 5; i++) {
        await expect(http.get(`${other.origin}/y`)).resolves.toMatchObject({ status: 200 });
        expect(isCircuitOpenError(await rejectionOf(http.get(`${h.upstream.origin}/x`)))).toBe(true);
      }
      expect(other.requests).toBe(5);
      expect(h.upstream.requests).toBe(3);
      expect(breakerOf(other.origin).state).toBe('closed');
      expect(counts(breakerOf(other.origin))).toMatchObject({ success: 5, rejected: 0 });
    } finally {
      await other.close();
    }
  });

  it('names breakers by origin with the default port filled in, whatever the path', async () => {
    const http = axios.create({ baseURL: `${h.upstream.origin}/api/v1/` });
    withBreaker(http, { registry: h.registry, clock: h.clock });
    await http.get('users/1');
    await http.get('/orders?page=2');
    await http.get(`http://127.0.0.1:${h.upstream.port}/absolute`);
    expect(h.registry.size).toBe(1);
    expect(counts(breakerOf(`http://127.0.0.1:${h.upstream.port}`)).success).toBe(3);
  });

  it('uses a custom key, and rejects without sending when the key is not a non-empty string', async () => {
    const http = client({ key: (config) => `${config.method} ${config.url?.replace(/\d+/g, ':id')}` });
    await http.get('/users/1');
    await http.get('/users/2');
    expect(counts(breakerOf('get /users/:id')).success).toBe(2);

    const empty = client({ key: () => '' });
    const error = await rejectionOf(empty.get('/x'));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toBe('key(config) must return a non-empty string, got ""');

    const boom = new Error('key failed');
    const throwing = client({
      key: () => {
        throw boom;
      },
    });
    expect(await rejectionOf(throwing.get('/x'))).toBe(boom);
    expect(h.upstream.requests).toBe(2);
  });

  it('lets a request with config.breaker = false through an open circuit without counting it', async () => {
    const http = client({ failureThreshold: 1 });
    h.upstream.mode = { status: 500 };
    await rejectionOf(http.get('/x'));
    expect(breakerOf().state).toBe('open');
    h.upstream.mode = { status: 200 };
    const before = counts(breakerOf());

    await expect(http.get('/health', { breaker: false })).resolves.toMatchObject({ status: 200 });
    expect(counts(breakerOf())).toEqual(before);
    expect(h.upstream.requests).toBe(2);
    expect(isCircuitOpenError(await rejectionOf(http.get('/x')))).toBe(true);
  });

  it('half_open with halfOpenMaxCalls 1: of 20 concurrent requests exactly one reaches the upstream', async () => {
    const http = client({ failureThreshold: 1, resetTimeout: 1000, halfOpenMaxCalls: 1 });
    h.upstream.mode = { status: 500 };
    await rejectionOf(http.get('/x'));
    h.clock.advance(1000);
    h.upstream.mode = { status: 200, delayMs: 30 };
    const before = h.upstream.requests;

    const results = await Promise.allSettled(Array.from({ length: 20 }, () => http.get('/x')));

    expect(h.upstream.requests - before).toBe(1);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejections = results.flatMap((r) =>
      r.status === 'rejected' ? [r.reason as CircuitOpenError] : [],
    );
    expect(rejections).toHaveLength(19);
    for (const error of rejections) {
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(error).toMatchObject({ state: 'half_open', kind: 'half_open_full', retryAfterMs: 0 });
    }
    expect(breakerOf().state).toBe('closed');
    expect(counts(breakerOf())).toMatchObject({ success: 1, inFlight: 0 });
  });

  it('re-opens for a fresh resetTimeout when the trial fails', async () => {
    const http = client({ failureThreshold: 1, resetTimeout: 1000 });
    h.upstream.mode = { status: 500 };
    await rejectionOf(http.get('/x'));
    h.clock.advance(1000);
    expect(breakerOf().state).toBe('half_open');
    await rejectionOf(http.get('/x'));
    expect(breakerOf().state).toBe('open');
    expect(breakerOf().retryAfterMs).toBe(1000);
  });
});

describe('withBreaker: fallback', () => {
  it('resolves a rejected call with the fallback response, without sending anything', async () => {
    const seen: Array<{ error: unknown; url: string | undefined }> = [];
    const http = client({
      failureThreshold: 1,
      fallback: (error, config) => {
        seen.push({ error, url: config.url });
        return { data: { cached: true }, headers: { 'x-from': 'cache' } };
      },
    });
    h.upstream.mode = { status: 500 };
    // The failure that opens the circuit gets the fallback too.
    const first = await http.get('/prices');
    expect(first).toMatchObject({ status: 200, statusText: 'OK', data: { cached: true } });
    expect((seen[0]!.error as AxiosError).response?.status).toBe(500);

    const second = await http.get('/prices');
    expect(second.data).toEqual({ cached: true });
    expect(second.headers['x-from']).toBe('cache');
    expect(second.config.url).toBe('/prices');
    expect(isAxiosCircuitOpenError(seen[1]?.error)).toBe(true);
    expect(seen[1]?.url).toBe('/prices');
    expect(h.upstream.requests).toBe(1);
    expect(counts(breakerOf())).toMatchObject({ failure: 1, rejected: 1 });
  });

  it('does not replace a non-failure or a cancellation, and a throwing fallback rejects with its error', async () => {
    const calls: unknown[] = [];
    const http = client({
      fallback: (error) => {
        calls.push(error);
        return { data: 'fallback', status: 203 };
      },
    });
    h.upstream.mode = { status: 404 };
    expect(((await rejectionOf(http.get('/missing'))) as AxiosError).response?.status).toBe(404);

    const controller = new AbortController();
    h.upstream.mode = { status: 200, delayMs: 500 };
    const pending = http.get('/slow', { signal: controller.signal });
    await h.upstream.whenRequests(2);
    controller.abort();
    expect(axios.isCancel(await rejectionOf(pending))).toBe(true);
    expect(calls).toEqual([]);

    const boom = new Error('fallback failed');
    const failing = client({
      fallback: () => {
        throw boom;
      },
    });
    h.upstream.mode = { status: 502 };
    expect(await rejectionOf(failing.get('/x'))).toBe(boom);

    const bad = client({ fallback: () => 'not a response' as never });
    const error = await rejectionOf(bad.get('/x'));
    expect(error).toBeInstanceOf(TypeError);
    expect((error as Error).message).toMatch(/^fallback must return/);
  });
});

describe('withBreaker: classification hooks', () => {
  it('isFailure replaces the default judgement, for responses and errors', async () => {
    const seen: unknown[] = [];
    const http = client({
      isFailure: (errorOrResponse) => {
        seen.push(errorOrResponse);
        const status = (errorOrResponse as { status?: number }).status;
        return status === 404;
      },
    });
    h.upstream.mode = { status: 404 };
    await rejectionOf(http.get('/x'));
    h.upstream.mode = { status: 500 };
    await rejectionOf(http.get('/x'));
    h.upstream.mode = { status: 200 };
    await http.get('/x');
    expect(counts(breakerOf())).toMatchObject({ failure: 1, success: 2 });
    expect(seen).toHaveLength(3);
    expect((seen[2] as { status: number; config: unknown }).status).toBe(200);
  });

  it('counts a call whose isFailure hook throws as a failure and reports it', async () => {
    const reported: Array<{ error: unknown; source: string }> = [];
    const boom = new Error('hook bug');
    const http = client({
      isFailure: () => {
        throw boom;
      },
      onListenerError: (error, source) => reported.push({ error, source }),
    });
    await expect(http.get('/x')).resolves.toMatchObject({ status: 200 });
    expect(counts(breakerOf())).toMatchObject({ failure: 1, success: 0, inFlight: 0 });
    expect(reported).toEqual([{ error: boom, source: 'isFailure' }]);
  });

  it("applies core's ignore option to errors", async () => {
    const http = client({ ignore: (error) => (error as AxiosError).code === 'ECONNRESET' });
    h.upstream.mode = 'reset';
    const error = await rejectionOf(http.get('/x'));
    expect((error as AxiosError).code).toBe('ECONNRESET');
    expect(counts(breakerOf())).toMatchObject({ ignored: 1, failure: 0 });
  });
});
