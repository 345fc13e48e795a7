import { CircuitOpenError } from '@tripswitch/core';
import axios, { type AxiosError } from 'axios';
import { describe, expect, it, vi } from 'vitest';
import { isAxiosCircuitOpenError, isCircuitOpenError, withBreaker } from './index.js';
import { counts, rejectionOf, useHarness } from './test-support.js';

const h = useHarness();
const client = h.client;
const breakerOf = h.breaker;

describe('withBreaker: admission and rejection', () => {
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

  it('names breakers by origin with the default port filled in, whatever the path', async () => {
    const http = axios.create({ baseURL: `${h.upstream.origin}/api/v1/` });
    withBreaker(http, { registry: h.registry, clock: h.clock });
    await http.get('users/1');
    await http.get('/orders?page=2');
    await http.get(`http://127.0.0.1:${h.upstream.port}/absolute`);
    expect(h.registry.size).toBe(1);
    expect(counts(breakerOf(`http://127.0.0.1:${h.upstream.port}`)).success).toBe(3);
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
    const fallback = vi.fn((_error: unknown) => ({ data: 'fallback', status: 203 }));
    const http = client({ fallback });
    h.upstream.mode = { status: 404 };
    expect(((await rejectionOf(http.get('/missing'))) as AxiosError).response?.status).toBe(404);

    const controller = new AbortController();
    h.upstream.mode = { status: 200, delayMs: 500 };
    const pending = http.get('/slow', { signal: controller.signal });
    await h.upstream.whenRequests(2);
    controller.abort();
    expect(axios.isCancel(await rejectionOf(pending))).toBe(true);
    expect(fallback).not.toHaveBeenCalled();

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
