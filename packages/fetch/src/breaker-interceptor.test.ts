import { isCircuitOpenError } from '@tripswitch/core';
import { counts } from '@tripswitch/testkit/breaker-counts';
import { useClientHarness } from '@tripswitch/testkit/client-harness';
import { listen } from '@tripswitch/testkit/listen';
import { rejectionOf } from '@tripswitch/testkit/rejection-of';
import { Agent, getGlobalDispatcher, request, setGlobalDispatcher, fetch as undiciFetch } from 'undici';
import { describe, expect, it } from 'vitest';
import {
  breakerInterceptor,
  type DispatchHandlerLike,
  type InterceptorBreakerOptions,
  networkErrorOf,
} from './index.js';

// What is the interceptor's own; the behaviour shared with the other client adapters is in client-suite.test.ts.
const h = useClientHarness();

const agent = (options: InterceptorBreakerOptions = {}) =>
  new Agent().compose(breakerInterceptor({ registry: h.registry, clock: h.clock, ...options }));
const breaker = () => h.registry.get(h.upstream.origin);

describe('breakerInterceptor', () => {
  it('protects undici.fetch given the composed dispatcher: it rejects with the CircuitOpenError as cause', async () => {
    const dispatcher = agent({ failureThreshold: 1 });
    h.upstream.mode = { status: 500 };
    expect((await undiciFetch(`${h.upstream.origin}/x`, { dispatcher })).status).toBe(500);
    const { connections } = h.upstream;
    const error = await rejectionOf(undiciFetch(`${h.upstream.origin}/x`, { dispatcher }));
    expect(error).toBeInstanceOf(TypeError);
    expect(isCircuitOpenError(networkErrorOf(error))).toBe(true);
    expect(h.upstream.requests).toBe(1);
    expect(h.upstream.connections).toBe(connections);
  });

  it('protects undici.request, undici.fetch and the global fetch through setGlobalDispatcher', async () => {
    const previous = getGlobalDispatcher();
    setGlobalDispatcher(agent({ failureThreshold: 1 }));
    try {
      h.upstream.mode = { status: 503 };
      await (await request(`${h.upstream.origin}/x`)).body.dump();
      expect(breaker().state).toBe('open');
      expect(isCircuitOpenError(await rejectionOf(request(`${h.upstream.origin}/x`)))).toBe(true);
      expect(
        isCircuitOpenError(networkErrorOf(await rejectionOf(undiciFetch(`${h.upstream.origin}/x`)))),
      ).toBe(true);
      expect(isCircuitOpenError(networkErrorOf(await rejectionOf(fetch(`${h.upstream.origin}/x`))))).toBe(
        true,
      );
      expect(h.upstream.requests).toBe(1);
      expect(counts(breaker())).toMatchObject({ failure: 1, rejected: 3, inFlight: 0 });
    } finally {
      setGlobalDispatcher(previous);
    }
  });

  it('passes the body through untouched, and keeps the outcome when it fails after the headers', async () => {
    const server = await listen((req, res) => {
      if (req.url === '/ok') return void res.end('x'.repeat(100_000));
      res.writeHead(200, { 'content-length': '1000' });
      res.write('partial');
      setImmediate(() => res.destroy());
    });
    try {
      const dispatcher = agent();
      expect(await (await request(`${server.url}/ok`, { dispatcher })).body.text()).toBe('x'.repeat(100_000));
      const broken = await request(`${server.url}/broken`, { dispatcher });
      await expect(broken.body.text()).rejects.toThrow();
      expect(counts(h.registry.get(server.url))).toMatchObject({ success: 2, failure: 0, inFlight: 0 });
    } finally {
      await server.close();
    }
  });

  it("counts undici's own headersTimeout as a failure", async () => {
    const failures: unknown[] = [];
    h.registry
      .get(h.upstream.origin, { clock: h.clock })
      .on('failure', (event) => failures.push(event.error));
    h.upstream.mode = 'hang';
    await rejectionOf(request(`${h.upstream.origin}/x`, { dispatcher: agent(), headersTimeout: 50 }));
    expect(counts(breaker())).toMatchObject({ failure: 1, inFlight: 0 });
    expect((failures[0] as { code?: string }).code).toBe('UND_ERR_HEADERS_TIMEOUT');
  });

  it('settles once when the dispatcher beneath throws, and tells the handler', () => {
    const boom = new Error('dispatch bug');
    const dispatch = breakerInterceptor({ registry: h.registry, clock: h.clock })(() => {
      throw boom;
    });
    const errors: unknown[] = [];
    const handler: DispatchHandlerLike = { onResponseError: (_controller, error) => errors.push(error) };
    expect(dispatch({ origin: h.upstream.origin, path: '/x', method: 'GET' }, handler)).toBe(true);
    expect(errors).toEqual([boom]);
    expect(counts(breaker())).toMatchObject({ failure: 1, inFlight: 0 });
  });

  it('gives key the URL, the upper-case method and the dispatch options', async () => {
    const seen: unknown[] = [];
    const dispatcher = agent({
      key: (r) => {
        seen.push([r.url.href, r.method, r.options.path]);
        return 'payments';
      },
    });
    await (
      await request(`${h.upstream.origin}/charges?x=1`, { dispatcher, method: 'POST', body: '{}' })
    ).body.dump();
    expect(seen).toEqual([[`${h.upstream.origin}/charges?x=1`, 'POST', '/charges?x=1']]);
    expect(counts(h.registry.get('payments')).success).toBe(1);
  });

  it('validates options at once, naming the option and the value', () => {
    expect(() => breakerInterceptor({ failureThreshold: 0 })).toThrow(
      new RangeError('failureThreshold must be an integer >= 1, got 0'),
    );
    expect(() => breakerInterceptor({ fallback: () => new Response() } as never)).toThrow(
      /^fallback is not an option of breakerInterceptor \(got a function\): an interceptor cannot answer/,
    );
    expect(() => breakerInterceptor({ timeout: 5 } as never)).toThrow(
      /^timeout is not an option of breakerInterceptor/,
    );
    expect(() => breakerInterceptor(7 as never)).toThrow(
      new TypeError('breakerInterceptor options must be an object, got 7'),
    );
  });
});
