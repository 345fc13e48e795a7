import { BreakerRegistry } from '@tripswitch/core';
import { counts } from '@tripswitch/testkit/breaker-counts';
import { useClientHarness } from '@tripswitch/testkit/client-harness';
import { listen } from '@tripswitch/testkit/listen';
import { rejectionOf } from '@tripswitch/testkit/rejection-of';
import { describe, expect, it, vi } from 'vitest';
import {
  type FetchBreakerOptions,
  type FetchRequest,
  isFetchCircuitOpenError,
  withBreaker,
} from './index.js';

// What is fetch's own; the behaviour shared with the other client adapters is in client-suite.test.ts.
const h = useClientHarness();

const guarded = (options: FetchBreakerOptions = {}) =>
  withBreaker(fetch, { registry: h.registry, clock: h.clock, ...options });
const breaker = () => h.registry.get(h.upstream.origin);

/** Opens the upstream's breaker with one 500 (failureThreshold 1). */
async function trip(f: typeof fetch): Promise<void> {
  h.upstream.mode = { status: 500 };
  await (await f(`${h.upstream.origin}/x`)).arrayBuffer();
  expect(breaker().state).toBe('open');
  h.upstream.mode = { status: 200 };
}

describe('withBreaker(fetch): bodies', () => {
  it('settles the permit when the headers arrive and hands back the response with its body unread', async () => {
    const f = guarded();
    h.upstream.mode = { status: 503 };
    const response = await f(`${h.upstream.origin}/x`);
    expect(counts(breaker())).toMatchObject({ failure: 1, inFlight: 0 });
    expect(response.bodyUsed).toBe(false);
    expect(response.body?.locked).toBe(false);
    expect(await response.json()).toEqual({ status: 503, path: '/x' });
  });

  it('keeps the outcome when a streamed body fails after the headers', async () => {
    const server = await listen((_req, res) => {
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setImmediate(() => res.destroy());
    });
    try {
      const f = guarded();
      const response = await f(`${server.url}/stream`);
      await expect(response.text()).rejects.toThrow();
      expect(counts(h.registry.get(server.url))).toMatchObject({ success: 1, failure: 0, inFlight: 0 });
    } finally {
      await server.close();
    }
  });

  it('never pulls a request body stream when the request is rejected', async () => {
    const f = guarded({ failureThreshold: 1 });
    await trip(f);
    let pulls = 0;
    const body = new ReadableStream({
      pull(controller) {
        pulls++;
        controller.enqueue(new TextEncoder().encode('chunk'));
      },
    });
    const init = { method: 'POST', body, duplex: 'half' } as RequestInit;
    expect(isFetchCircuitOpenError(await rejectionOf(f(`${h.upstream.origin}/upload`, init)))).toBe(true);
    expect(body.locked).toBe(false);
    // A stream pulls once on creation to fill its queue (highWaterMark 1); nothing read it after that.
    expect(pulls).toBeLessThanOrEqual(1);
    expect(h.upstream.requests).toBe(1);
  });
});

describe('withBreaker(fetch): requests', () => {
  it('gives key the URL, upper-case method and fetch arguments, and carries the request on a rejection', async () => {
    const seen: FetchRequest[] = [];
    const f = guarded({
      failureThreshold: 1,
      key: (request) => {
        seen.push(request);
        return request.url.origin;
      },
    });
    const init = { method: 'post', body: '{}' };
    h.upstream.mode = { status: 500 };
    await f(`${h.upstream.origin}/charges?x=1`, init);
    expect(seen[0]).toMatchObject({ method: 'POST', input: `${h.upstream.origin}/charges?x=1`, init });
    expect(seen[0]?.url.href).toBe(`${h.upstream.origin}/charges?x=1`);

    const request = new Request(`${h.upstream.origin}/refunds`, { method: 'PUT' });
    const error = await rejectionOf(f(request));
    expect(isFetchCircuitOpenError(error)).toBe(true);
    if (!isFetchCircuitOpenError(error)) throw error;
    expect(error.request).toMatchObject({ method: 'PUT', input: request });
    expect(Object.keys(error)).not.toContain('request');
  });

  it("takes a Request's method and signal: an aborted Request takes no permit", async () => {
    const f = guarded();
    const controller = new AbortController();
    controller.abort();
    const request = new Request(`${h.upstream.origin}/x`, { signal: controller.signal });
    expect(((await rejectionOf(f(request))) as Error).name).toBe('AbortError');
    expect(h.registry.has(h.upstream.origin)).toBe(false);
    const head = await f(new Request(`${h.upstream.origin}/x`, { method: 'HEAD' }), {});
    expect(head.status).toBe(200);
    expect(counts(breaker()).success).toBe(1);
  });

  it('passes a URL fetch cannot parse to fetch without a breaker (fetch rejects it)', async () => {
    const error = await rejectionOf(guarded()('/relative'));
    expect(error).toBeInstanceOf(TypeError);
    expect(h.registry.size).toBe(0);
  });

  it('wraps any fetch implementation, and settles once when it throws synchronously', async () => {
    const boom = new Error('double failed');
    const double = ((): Promise<Response> => {
      throw boom;
    }) as typeof fetch;
    const f = withBreaker(double, { registry: h.registry, clock: h.clock });
    expect(await rejectionOf(f(`${h.upstream.origin}/x`))).toBe(boom);
    expect(counts(breaker())).toMatchObject({ failure: 1, inFlight: 0 });

    const answers = withBreaker(async (_input: string) => new Response('cached', { status: 502 }), {
      registry: new BreakerRegistry(),
    });
    expect((await answers('https://api.example.com/x')).status).toBe(502);
  });

  it('counts a redirect loop once, as a failure', async () => {
    let hops = 0;
    const server = await listen((_req, res) => {
      hops++;
      res.writeHead(302, { location: '/loop' }).end();
    });
    try {
      const error = await rejectionOf(guarded()(`${server.url}/loop`));
      expect(error).toBeInstanceOf(TypeError);
      expect(hops).toBeGreaterThan(1);
      expect(counts(h.registry.get(server.url))).toMatchObject({ failure: 1, success: 0, inFlight: 0 });
    } finally {
      await server.close();
    }
  });
});

describe('withBreaker(fetch): fallback', () => {
  it('answers a rejection with the fallback, without sending anything', async () => {
    const fallback = vi.fn((_error: unknown) =>
      Response.json({ cached: true }, { headers: { 'x-from': 'cache' } }),
    );
    const f = guarded({ failureThreshold: 1, fallback });
    h.upstream.mode = { status: 500 };
    const first = await f(`${h.upstream.origin}/prices`);
    expect(await first.json()).toEqual({ cached: true });
    const failing = fallback.mock.calls[0]![0] as Response;
    expect(failing.status).toBe(500);
    // The failing response it replaced had its body cancelled (freeing the connection), not read.
    expect(failing.bodyUsed).toBe(true);
    await expect(failing.text()).rejects.toThrow(TypeError);

    const second = await f(`${h.upstream.origin}/prices`);
    expect(second.headers.get('x-from')).toBe('cache');
    expect(isFetchCircuitOpenError(fallback.mock.calls[1]![0])).toBe(true);
    expect(h.upstream.requests).toBe(1);
    expect(counts(breaker())).toMatchObject({ failure: 1, rejected: 1 });
  });

  it('answers a network error, not a success, an abort or a never-sent request', async () => {
    const fallback = vi.fn((_error: unknown) => new Response('fallback', { status: 203 }));
    const f = guarded({ fallback });
    h.upstream.mode = 'reset';
    expect((await f(`${h.upstream.origin}/x`)).status).toBe(203);
    expect((fallback.mock.calls[0]![0] as Error).message).toBe('fetch failed');

    h.upstream.mode = { status: 404 };
    expect((await f(`${h.upstream.origin}/x`)).status).toBe(404);
    const error = await rejectionOf(f(`${h.upstream.origin}/x`, { headers: { 'x bad': '1' } }));
    expect(error).toBeInstanceOf(TypeError);
    const controller = new AbortController();
    h.upstream.mode = { status: 200, delayMs: 500 };
    const pending = rejectionOf(f(`${h.upstream.origin}/slow`, { signal: controller.signal }));
    await h.upstream.whenRequests(3);
    controller.abort();
    expect(((await pending) as Error).name).toBe('AbortError');
    expect(fallback).toHaveBeenCalledTimes(1);
    expect(counts(breaker())).toMatchObject({ failure: 1, success: 1, ignored: 2, inFlight: 0 });
  });

  it('rejects with the error of a throwing fallback, and a TypeError for one that returns no Response', async () => {
    const boom = new Error('fallback failed');
    h.upstream.mode = { status: 502 };
    const throwing = guarded({
      fallback: () => {
        throw boom;
      },
    });
    expect(await rejectionOf(throwing(`${h.upstream.origin}/x`))).toBe(boom);
    const bad = guarded({ fallback: () => 'not a response' as never });
    const error = await rejectionOf(bad(`${h.upstream.origin}/x`));
    expect(error).toEqual(
      new TypeError('fallback must return (or resolve to) a Response, got "not a response"'),
    );
  });
});

describe('withBreaker(fetch): options', () => {
  it('validates options at once, naming the option and the value', () => {
    expect(() => withBreaker(fetch, { failureThreshold: 0 })).toThrow(
      new RangeError('failureThreshold must be an integer >= 1, got 0'),
    );
    expect(() => withBreaker(fetch, { nope: 1 } as never)).toThrow(new TypeError('unknown option "nope"'));
    expect(() => withBreaker(fetch, { fallback: {} } as never)).toThrow(
      new TypeError('fallback must be a function, got {}'),
    );
    expect(() => withBreaker(fetch, { timeout: 100 } as never)).toThrow(
      'timeout is not an option of withBreaker (got 100): give the request `signal: AbortSignal.timeout(ms)`',
    );
    expect(() => withBreaker('fetch' as never)).toThrow(
      new TypeError('withBreaker(fetch) needs a fetch function, got "fetch"'),
    );
    expect(() => withBreaker(fetch, { isFailure: null, key: null } as never)).not.toThrow();
  });
});
