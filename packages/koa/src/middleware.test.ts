import { createRequire } from 'node:module';
import type { Router as RouterClass } from '@koa/router';
import {
  type BreakerEventMap,
  type BreakerEventName,
  BreakerRegistry,
  type CircuitBreaker,
  createTestClock,
  isCircuitOpenError,
  type TestClock,
} from '@tripswitch/core';
import type Koa from 'koa';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { breaker } from './middleware.js';
import type { BreakerMiddlewareOptions } from './options.js';
import { deferred, listen, type TestServer } from './test-support.js';

const require = createRequire(import.meta.url);
const Router = require('@koa/router') as typeof RouterClass;
const versions: Array<[string, number]> = [
  ['koa2', 2],
  ['koa3', 3],
];

function nextEvent<E extends BreakerEventName>(
  b: CircuitBreaker<unknown>,
  event: E,
): Promise<BreakerEventMap[E]> {
  return new Promise((resolve) => {
    const off = b.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}

async function get(url: string, init?: RequestInit) {
  const res = await fetch(url, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, text, json: () => JSON.parse(text) as unknown };
}

describe.each(versions)('breaker() on %s', (pkg, major) => {
  const KoaApp = require(pkg) as typeof Koa;
  let registry: BreakerRegistry;
  let clock: TestClock;
  let servers: TestServer[];
  /** Errors seen by an outer error-handling middleware (which rethrows them to Koa). */
  let caught: unknown[];

  beforeEach(() => {
    registry = new BreakerRegistry();
    clock = createTestClock();
    servers = [];
    caught = [];
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  const opts = (extra: BreakerMiddlewareOptions = {}): BreakerMiddlewareOptions => ({
    registry,
    clock,
    ...extra,
  });

  /** A Koa app with an outer middleware that records thrown errors, then the router. */
  async function serve(router: RouterClass, before?: Koa.Middleware): Promise<string> {
    const app = new KoaApp();
    app.silent = true;
    app.use(async (_ctx, next) => {
      try {
        await next();
      } catch (error) {
        caught.push(error);
        throw error;
      }
    });
    if (before !== undefined) app.use(before);
    app.use(router.routes());
    const server = await listen(app.callback());
    servers.push(server);
    return server.url;
  }

  it(`runs on Koa ${major}`, () => {
    expect((require(`${pkg}/package.json`) as { version: string }).version.split('.')[0]).toBe(String(major));
  });

  describe('naming', () => {
    it('gives each route its own breaker: /a failing opens only GET /a', async () => {
      const router = new Router();
      router.get('/a', breaker(opts({ failureThreshold: 2 })), (ctx) => {
        ctx.status = 500;
      });
      router.get('/b', breaker(opts({ failureThreshold: 2 })), (ctx) => {
        ctx.body = 'b';
      });
      const url = await serve(router);
      expect((await get(`${url}/a`)).status).toBe(500);
      expect((await get(`${url}/a`)).status).toBe(500);
      expect((await get(`${url}/a`)).status).toBe(503);
      expect(await get(`${url}/b`)).toMatchObject({ status: 200, text: 'b' });
      const snapshot = registry.snapshot();
      expect(snapshot['GET /a']?.state).toBe('open');
      expect(snapshot['GET /b']?.state).toBe('closed');
    });

    it('shares one breaker between the values of a parameterised route', async () => {
      const router = new Router();
      router.get('/users/:id', breaker(opts({ failureThreshold: 2 })), (ctx) => {
        ctx.status = 502;
      });
      const url = await serve(router);
      await get(`${url}/users/1`);
      await get(`${url}/users/2`);
      const rejected = await get(`${url}/users/3`);
      expect(rejected.status).toBe(503);
      expect(rejected.json()).toMatchObject({ breaker: 'GET /users/:id' });
      expect(Object.keys(registry.snapshot())).toEqual(['GET /users/:id']);
    });

    it('names a route in nested routers by its full template', async () => {
      const users = new Router();
      users.get('/:id/orders', breaker(opts()), (ctx) => {
        ctx.body = { id: ctx.params.id };
      });
      const api = new Router({ prefix: '/api' });
      api.use('/users', users.routes());
      const url = await serve(api);
      expect((await get(`${url}/api/users/7/orders`)).json()).toEqual({ id: '7' });
      expect(Object.keys(registry.snapshot())).toEqual(['GET /api/users/:id/orders']);
    });

    it('gives the same middleware instance on two routes two breakers', async () => {
      const guard = breaker(opts());
      const router = new Router();
      router.get('/x', guard, (ctx) => {
        ctx.body = 'x';
      });
      router.post('/y', guard, (ctx) => {
        ctx.body = 'y';
      });
      const url = await serve(router);
      await get(`${url}/x`);
      await get(`${url}/y`, { method: 'POST' });
      expect(Object.keys(registry.snapshot())).toEqual(['GET /x', 'POST /y']);
    });

    it('shares one breaker between routes given the same name', async () => {
      const guard = breaker(opts({ name: 'database', failureThreshold: 1 }));
      const router = new Router();
      router.get('/x', guard, (ctx) => {
        ctx.status = 500;
      });
      router.get('/y', guard, (ctx) => {
        ctx.body = 'y';
      });
      const url = await serve(router);
      await get(`${url}/x`);
      const rejected = await get(`${url}/y`);
      expect(rejected.status).toBe(503);
      expect(rejected.json()).toMatchObject({ breaker: 'database' });
    });

    it('throws a TypeError when there is neither a route nor a name', async () => {
      const url = await serve(new Router(), breaker(opts()));
      expect((await get(`${url}/anything`)).status).toBe(500);
      expect(caught[0]).toBeInstanceOf(TypeError);
      // It says why, and what to do: app.use(breaker()) outside a router has no route to name the breaker.
      expect((caught[0] as Error).message).toBe(
        'breaker() without a name must be used on a @koa/router route (router.get(path, breaker(), handler)); ' +
          'on GET /anything no route matched, as with app.use(breaker()): pass { name } to share one breaker',
      );
      expect(registry.size).toBe(0);
    });

    it('returns a named function', () => {
      expect(breaker(opts()).name).toBe('tripswitchBreaker');
    });
  });

  describe('outcomes', () => {
    it('never leaks a permit when the client left before breaker() ran and the handler waits on close', async () => {
      const entered = deferred();
      const gone = deferred();
      const router = new Router();
      router.get('/y', breaker(opts({ resetTimeout: 1000 })), async (ctx) => {
        // A handler that waits for the client to go (a long poll): 'close' already fired.
        await new Promise<void>((resolve) => {
          if (ctx.res.destroyed) resolve();
          else ctx.res.once('close', () => resolve());
        });
        ctx.body = 'late';
      });
      const url = await serve(router, async (ctx, next) => {
        entered.resolve();
        ctx.res.once('close', () => gone.resolve());
        await gone.promise;
        await new Promise<void>((resolve) => setImmediate(resolve));
        await next();
      });
      const { request } = await import('node:http');
      const req = request(`${url}/y`);
      req.on('error', () => {});
      req.end();
      await entered.promise;
      req.destroy();
      await gone.promise;
      await new Promise<void>((resolve) => setImmediate(() => setImmediate(() => setImmediate(resolve))));
      const m = registry.has('GET /y') ? registry.get('GET /y').getMetrics() : undefined;
      expect(m?.inFlight ?? 0).toBe(0);
      expect(m?.successCount ?? 0).toBe(0);
      expect(m?.failureCount ?? 0).toBe(0);
    });

    it('counts a 5xx status as a failure, with the status as the error', async () => {
      const b = registry.get('GET /x', { clock });
      const router = new Router();
      router.get('/x', breaker(opts()), (ctx) => {
        ctx.status = 503;
        ctx.body = 'down';
      });
      const url = await serve(router);
      const failed = nextEvent(b, 'failure');
      expect((await get(`${url}/x`)).status).toBe(503);
      expect((await failed).error).toBe(503);
      expect(b.getMetrics()).toMatchObject({ failureCount: 1, successCount: 0, inFlight: 0 });
    });

    it('counts a 4xx status as a success', async () => {
      const b = registry.get('GET /x', { clock });
      const router = new Router();
      router.get('/x', breaker(opts()), (ctx) => {
        ctx.status = 404;
      });
      const url = await serve(router);
      const succeeded = nextEvent(b, 'success');
      expect((await get(`${url}/x`)).status).toBe(404);
      await succeeded;
      expect(b.getMetrics()).toMatchObject({ failureCount: 0, successCount: 1, inFlight: 0 });
    });

    const throwers: Array<[string, (boom: Error) => Koa.Middleware]> = [
      [
        'a synchronous handler',
        (boom) => () => {
          throw boom;
        },
      ],
      [
        'an async handler',
        (boom) => async () => {
          await Promise.resolve();
          throw boom;
        },
      ],
    ];
    it.each(throwers)(
      'counts an error thrown by %s as a failure and rethrows it unchanged',
      async (_, handler) => {
        const b = registry.get('GET /x', { clock });
        const boom = new Error('boom');
        const router = new Router();
        router.get('/x', breaker(opts()), handler(boom));
        const url = await serve(router);
        const failed = nextEvent(b, 'failure');
        expect((await get(`${url}/x`)).status).toBe(500);
        expect((await failed).error).toBe(boom);
        expect(caught).toEqual([boom]);
      },
    );

    it('counts a thrown 4xx HTTP error as a failure by default, as it is an error', async () => {
      const b = registry.get('GET /x', { clock });
      const router = new Router();
      router.get('/x', breaker(opts()), (ctx) => {
        ctx.throw(400, 'invalid');
      });
      const url = await serve(router);
      const failed = nextEvent(b, 'failure');
      expect((await get(`${url}/x`)).status).toBe(400);
      expect((await failed).error).toBe(caught[0]);
      expect(caught[0]).toMatchObject({ status: 400, message: 'invalid' });
    });

    it('uses a custom isFailure with the context and the error', async () => {
      const b = registry.get('GET /x', { clock });
      const seen: Array<[string, number, unknown]> = [];
      const boom = new Error('boom');
      const router = new Router();
      const isFailure = (ctx: Koa.Context, error?: unknown) => {
        seen.push([String(ctx.query.mode), ctx.status, error]);
        return ctx.status === 429;
      };
      router.get('/x', breaker(opts({ isFailure })), (ctx) => {
        if (ctx.query.mode === 'error') throw boom;
        ctx.status = Number(ctx.query.mode);
      });
      const url = await serve(router);
      const failed = nextEvent(b, 'failure');
      await get(`${url}/x?mode=429`);
      expect((await failed).error).toBe(429);
      const succeeded = nextEvent(b, 'success');
      await get(`${url}/x?mode=500`);
      await succeeded;
      const succeededAgain = nextEvent(b, 'success');
      expect((await get(`${url}/x?mode=error`)).status).toBe(500);
      await succeededAgain;
      expect(seen).toEqual([
        ['429', 429, undefined],
        ['500', 500, undefined],
        ['error', 404, boom],
      ]);
      expect(b.getMetrics()).toMatchObject({ failureCount: 1, successCount: 2 });
      expect(caught).toEqual([boom]);
    });

    it('counts a request as a failure when isFailure throws, and reports that once', async () => {
      const b = registry.get('GET /x', { clock, failureThreshold: 10 });
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const isFailure = () => {
          throw new Error('broken hook');
        };
        const router = new Router();
        router.get('/x', breaker(opts({ isFailure })), (ctx) => {
          ctx.body = 'ok';
        });
        const url = await serve(router);
        for (let i = 0; i < 2; i++) {
          const failed = nextEvent(b, 'failure');
          expect((await get(`${url}/x`)).status).toBe(200);
          await failed;
        }
        expect(b.getMetrics().failureCount).toBe(2);
        expect(log).toHaveBeenCalledTimes(1);
      } finally {
        log.mockRestore();
      }
    });

    it('ignores a request whose client aborts mid-response, freeing the half_open slot', async () => {
      const b = registry.get('GET /slow', { clock, resetTimeout: 1000, halfOpenMaxCalls: 1 });
      b.openFor(1000);
      clock.advance(1000);
      const closed = deferred();
      const finish = deferred();
      let calls = 0;
      const router = new Router();
      router.get('/slow', breaker(opts()), async (ctx) => {
        if (++calls === 1) {
          ctx.res.once('close', () => closed.resolve());
          ctx.status = 200;
          ctx.res.write('partial'); // headers and a first chunk are out; the rest never comes
          await finish.promise;
          return;
        }
        ctx.body = 'ok';
      });
      const url = await serve(router);
      const abort = new AbortController();
      const first = await fetch(`${url}/slow`, { signal: abort.signal });
      expect(first.status).toBe(200);
      expect(b.getMetrics()).toMatchObject({ state: 'half_open', inFlight: 1 });
      abort.abort();
      await closed.promise;
      expect(b.getMetrics()).toMatchObject({
        ignoredCount: 1,
        failureCount: 0,
        successCount: 0,
        inFlight: 0,
      });
      const succeeded = nextEvent(b, 'success');
      expect(await get(`${url}/slow`)).toMatchObject({ status: 200, text: 'ok' });
      await succeeded;
      expect(b.state).toBe('closed');
      finish.resolve(); // the abandoned handler returns; its permit is settled already
    });
  });

  describe('rejection', () => {
    it('answers 503 with Retry-After from the clock and a JSON body, without calling the handler', async () => {
      let calls = 0;
      const router = new Router();
      router.get('/x', breaker(opts({ failureThreshold: 1, resetTimeout: 30_000 })), (ctx) => {
        calls++;
        ctx.status = 500;
      });
      const url = await serve(router);
      await get(`${url}/x`);
      clock.advance(10_500);
      const rejected = await get(`${url}/x`);
      expect(rejected.status).toBe(503);
      expect(rejected.headers.get('retry-after')).toBe('20');
      expect(rejected.headers.get('content-type')).toMatch(/^application\/json/);
      expect(rejected.json()).toEqual({ error: 'circuit_open', breaker: 'GET /x', retryAfter: 20 });
      clock.advance(19_400); // 100 ms left: rounded up to the minimum of 1 s
      expect((await get(`${url}/x`)).headers.get('retry-after')).toBe('1');
      expect(calls).toBe(1);
    });

    it('omits Retry-After and sends retryAfter: null while forced open', async () => {
      registry.get('GET /x', { clock }).forceOpen();
      const router = new Router();
      router.get('/x', breaker(opts()), (ctx) => {
        ctx.body = 'never';
      });
      const url = await serve(router);
      const rejected = await get(`${url}/x`);
      expect(rejected.status).toBe(503);
      expect(rejected.headers.has('retry-after')).toBe(false);
      expect(rejected.json()).toEqual({ error: 'circuit_open', breaker: 'GET /x', retryAfter: null });
    });

    it("throws the CircuitOpenError with status, expose and Retry-After with rejectWith: 'error'", async () => {
      registry.get('GET /x', { clock }).openFor(5_000);
      const router = new Router();
      router.get('/x', breaker(opts({ rejectWith: 'error' })), (ctx) => {
        ctx.body = 'never';
      });
      const url = await serve(router);
      const rejected = await get(`${url}/x`);
      // Koa's own error handling: status, headers and (exposed) message from the error.
      expect(rejected.status).toBe(503);
      expect(rejected.headers.get('retry-after')).toBe('5');
      expect(rejected.text).toBe('circuit breaker "GET /x" is open');
      expect(caught).toHaveLength(1);
      expect(isCircuitOpenError(caught[0])).toBe(true);
      expect(caught[0]).toMatchObject({ status: 503, expose: true, retryAfter: 5, breakerName: 'GET /x' });
    });

    it('calls onReject instead of answering', async () => {
      registry.get('GET /x', { clock }).openFor(2_000);
      const seen: Array<[string, unknown]> = [];
      const onReject: BreakerMiddlewareOptions['onReject'] = async (ctx, error) => {
        await Promise.resolve();
        seen.push([ctx.path, error]);
        ctx.status = 429;
        ctx.body = 'busy';
      };
      const router = new Router();
      router.get('/x', breaker(opts({ onReject, rejectWith: 'error' })), (ctx) => {
        ctx.body = 'never';
      });
      const url = await serve(router);
      expect(await get(`${url}/x`)).toMatchObject({ status: 429, text: 'busy' });
      expect(seen).toHaveLength(1);
      expect(seen[0]?.[0]).toBe('/x');
      expect(isCircuitOpenError(seen[0]?.[1])).toBe(true);
      expect(caught).toEqual([]);
    });
  });

  it('lets exactly halfOpenMaxCalls of 20 concurrent requests through in half_open', async () => {
    const gate = deferred();
    const allDecided = deferred();
    let tripped = false;
    let entered = 0;
    let rejected = 0;
    const decided = () => {
      if (entered + rejected === 20) allDecided.resolve();
    };
    const router = new Router();
    const options = opts({ failureThreshold: 1, resetTimeout: 1_000, halfOpenMaxCalls: 2 });
    router.get('/x', breaker(options), async (ctx) => {
      if (!tripped) {
        tripped = true;
        ctx.status = 500;
        return;
      }
      entered++;
      decided();
      await gate.promise;
      ctx.body = 'ok';
    });
    const url = await serve(router);
    await get(`${url}/x`);
    expect(registry.snapshot()['GET /x']?.state).toBe('open');
    clock.advance(1_000);
    const retryAfter: Array<string | null> = [];
    const statuses = Array.from({ length: 20 }, async () => {
      const res = await fetch(`${url}/x`);
      if (res.status === 503) {
        retryAfter.push(res.headers.get('retry-after'));
        rejected++;
        decided();
      }
      await res.text();
      return res.status;
    });
    await allDecided.promise;
    expect(entered).toBe(2);
    expect(new Set(retryAfter)).toEqual(new Set(['1']));
    gate.resolve();
    const all = await Promise.all(statuses);
    expect(all.filter((s) => s === 200)).toHaveLength(2);
    expect(all.filter((s) => s === 503)).toHaveLength(18);
  });
});
