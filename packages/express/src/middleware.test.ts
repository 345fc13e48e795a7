import { createRequire } from 'node:module';
import {
  type BreakerEventMap,
  type BreakerEventName,
  BreakerRegistry,
  type CircuitBreaker,
  createTestClock,
  isCircuitOpenError,
  type TestClock,
} from '@tripswitch/core';
import type { ErrorRequestHandler, Express } from 'express';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { breaker } from './middleware.js';
import type { BreakerMiddlewareOptions } from './options.js';
import { deferred, listen, type TestServer } from './test-support.js';

const require = createRequire(import.meta.url);
type ExpressModule = typeof import('express');
const versions: Array<[string, number]> = [
  ['express4', 4],
  ['express5', 5],
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
  const express = require(pkg) as ExpressModule;
  let registry: BreakerRegistry;
  let clock: TestClock;
  let servers: TestServer[];

  beforeEach(() => {
    registry = new BreakerRegistry();
    clock = createTestClock();
    servers = [];
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });

  const opts = (extra: BreakerMiddlewareOptions = {}): BreakerMiddlewareOptions => ({
    registry,
    clock,
    ...extra,
  });
  async function serve(app: Express): Promise<string> {
    const server = await listen(app);
    servers.push(server);
    return server.url;
  }
  const errors: unknown[] = [];
  const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
    errors.push(error);
    res.status((error as { status?: number }).status ?? 500).json({ message: (error as Error).message });
  };
  beforeEach(() => {
    errors.length = 0;
  });

  it(`runs on Express ${major}`, () => {
    expect((require(`${pkg}/package.json`) as { version: string }).version.split('.')[0]).toBe(String(major));
  });

  describe('naming', () => {
    it('gives each route its own breaker: /a failing opens only GET /a', async () => {
      const app = express();
      app.get('/a', breaker(opts({ failureThreshold: 2 })), (_req, res) => {
        res.status(500).end();
      });
      app.get('/b', breaker(opts({ failureThreshold: 2 })), (_req, res) => {
        res.send('b');
      });
      const url = await serve(app);
      expect((await get(`${url}/a`)).status).toBe(500);
      expect((await get(`${url}/a`)).status).toBe(500);
      expect((await get(`${url}/a`)).status).toBe(503);
      expect(await get(`${url}/b`)).toMatchObject({ status: 200, text: 'b' });
      const snapshot = registry.snapshot();
      expect(snapshot['GET /a']?.state).toBe('open');
      expect(snapshot['GET /b']?.state).toBe('closed');
    });

    it('shares one breaker between the values of a parameterised route', async () => {
      const app = express();
      app.get('/users/:id', breaker(opts({ failureThreshold: 2 })), (_req, res) => {
        res.status(502).end();
      });
      const url = await serve(app);
      await get(`${url}/users/1`);
      await get(`${url}/users/2`);
      const rejected = await get(`${url}/users/3`);
      expect(rejected.status).toBe(503);
      expect(rejected.json()).toMatchObject({ breaker: 'GET /users/:id' });
      expect(Object.keys(registry.snapshot())).toEqual(['GET /users/:id']);
    });

    it('names a route in nested routers by its full mounted template', async () => {
      const app = express();
      const api = express.Router();
      const users = express.Router();
      users.get('/:id/orders', breaker(opts()), (req, res) => {
        res.json({ id: req.params.id });
      });
      api.use('/users', users);
      app.use('/api', api);
      const url = await serve(app);
      expect((await get(`${url}/api/users/7/orders`)).json()).toEqual({ id: '7' });
      expect(Object.keys(registry.snapshot())).toEqual(['GET /api/users/:id/orders']);
    });

    it('gives the same middleware instance on two routes two breakers', async () => {
      const app = express();
      const guard = breaker(opts());
      app.get('/x', guard, (_req, res) => {
        res.send('x');
      });
      app.post('/y', guard, (_req, res) => {
        res.send('y');
      });
      const url = await serve(app);
      await get(`${url}/x`);
      await get(`${url}/y`, { method: 'POST' });
      expect(Object.keys(registry.snapshot())).toEqual(['GET /x', 'POST /y']);
    });

    it('shares one breaker between routes given the same name', async () => {
      const app = express();
      const guard = breaker(opts({ name: 'database', failureThreshold: 1 }));
      app.get('/x', guard, (_req, res) => {
        res.status(500).end();
      });
      app.get('/y', guard, (_req, res) => {
        res.send('y');
      });
      const url = await serve(app);
      await get(`${url}/x`);
      const rejected = await get(`${url}/y`);
      expect(rejected.status).toBe(503);
      expect(rejected.json()).toMatchObject({ breaker: 'database' });
    });

    it('passes a TypeError to next when there is neither a route nor a name', async () => {
      const app = express();
      app.use(breaker(opts()));
      app.use(errorHandler);
      const url = await serve(app);
      expect((await get(`${url}/anything`)).status).toBe(500);
      expect(errors[0]).toBeInstanceOf(TypeError);
      expect(registry.size).toBe(0);
    });

    it('returns a named function', () => {
      expect(breaker(opts()).name).toBe('tripswitchBreaker');
    });
  });

  describe('outcomes', () => {
    it('counts a 5xx response as a failure, with the status as the error', async () => {
      const b = registry.get('GET /x', { clock });
      const app = express();
      app.get('/x', breaker(opts()), (_req, res) => {
        res.status(503).send('down');
      });
      const url = await serve(app);
      const failed = nextEvent(b, 'failure');
      expect((await get(`${url}/x`)).status).toBe(503);
      expect((await failed).error).toBe(503);
      expect(b.getMetrics()).toMatchObject({ failureCount: 1, successCount: 0, inFlight: 0 });
    });

    it('counts a 4xx response as a success', async () => {
      const b = registry.get('GET /x', { clock });
      const app = express();
      app.get('/x', breaker(opts()), (_req, res) => {
        res.status(404).send('no such thing');
      });
      const url = await serve(app);
      const succeeded = nextEvent(b, 'success');
      expect((await get(`${url}/x`)).status).toBe(404);
      await succeeded;
      expect(b.getMetrics()).toMatchObject({ failureCount: 0, successCount: 1, inFlight: 0 });
    });

    it('counts an error thrown by a synchronous handler as a failure, with the error', async () => {
      const b = registry.get('GET /x', { clock });
      const boom = new Error('boom');
      const app = express();
      app.get('/x', breaker(opts()), () => {
        throw boom;
      });
      const url = await serve(app);
      const failed = nextEvent(b, 'failure');
      expect((await get(`${url}/x`)).status).toBe(500);
      expect((await failed).error).toBe(boom);
    });

    it('counts next(err) from an asynchronous callback as a failure, with the error', async () => {
      const b = registry.get('GET /x', { clock });
      const boom = new Error('later');
      const app = express();
      app.get('/x', breaker(opts()), (_req, _res, next) => {
        setImmediate(() => next(boom));
      });
      app.use(errorHandler);
      const url = await serve(app);
      const failed = nextEvent(b, 'failure');
      expect((await get(`${url}/x`)).status).toBe(500);
      expect((await failed).error).toBe(boom);
      expect(errors).toEqual([boom]);
    });

    it.runIf(major >= 5)('counts a rejected promise from an async handler as a failure', async () => {
      const b = registry.get('GET /x', { clock });
      const boom = new Error('async boom');
      const app = express();
      app.get('/x', breaker(opts()), async () => {
        await Promise.resolve();
        throw boom;
      });
      app.use(errorHandler);
      const url = await serve(app);
      const failed = nextEvent(b, 'failure');
      expect((await get(`${url}/x`)).status).toBe(500);
      expect((await failed).error).toBe(boom);
    });

    it('counts an error as a failure even when the error handler answers 4xx', async () => {
      const b = registry.get('GET /x', { clock });
      const invalid = Object.assign(new Error('invalid'), { status: 400 });
      const app = express();
      app.get('/x', breaker(opts()), (_req, _res, next) => next(invalid));
      app.use(errorHandler);
      const url = await serve(app);
      const failed = nextEvent(b, 'failure');
      expect((await get(`${url}/x`)).status).toBe(400);
      expect((await failed).error).toBe(invalid);
      expect(errors).toEqual([invalid]);
    });

    it('keeps 404 for other methods and the OPTIONS answer of a route after capturing an error', async () => {
      const app = express();
      app.get('/x', breaker(opts()), (_req, _res, next) => next(new Error('x')));
      app.use(errorHandler);
      const url = await serve(app);
      await get(`${url}/x`);
      expect((await get(`${url}/x`, { method: 'POST' })).status).toBe(404);
      const options = await get(`${url}/x`, { method: 'OPTIONS' });
      expect(options.status).toBe(200);
      expect(options.headers.get('allow')?.replace(/\s/g, '')).toBe('GET,HEAD');
    });

    it('uses a custom isFailure with the request, the response and the error', async () => {
      const b = registry.get('GET /x', { clock });
      const seen: Array<[string, number, unknown]> = [];
      const app = express();
      const boom = new Error('boom');
      app.get(
        '/x',
        breaker(
          opts({
            isFailure: (req, res, error) => {
              seen.push([String(req.query.mode), res.statusCode, error]);
              return res.statusCode === 429;
            },
          }),
        ),
        (req, res, next) => {
          if (req.query.mode === 'error') next(boom);
          else res.status(Number(req.query.mode)).end();
        },
      );
      app.use(errorHandler);
      const url = await serve(app);
      const failed = nextEvent(b, 'failure');
      await get(`${url}/x?mode=429`);
      expect((await failed).error).toBe(429);
      const succeeded = nextEvent(b, 'success');
      await get(`${url}/x?mode=500`);
      await succeeded;
      const succeededAgain = nextEvent(b, 'success');
      await get(`${url}/x?mode=error`);
      await succeededAgain;
      expect(seen).toEqual([
        ['429', 429, undefined],
        ['500', 500, undefined],
        ['error', 200, boom],
      ]);
      expect(b.getMetrics()).toMatchObject({ failureCount: 1, successCount: 2 });
    });

    it('counts a request as a failure when isFailure throws, and reports that once', async () => {
      const b = registry.get('GET /x', { clock, failureThreshold: 10 });
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const app = express();
        const isFailure = () => {
          throw new Error('broken hook');
        };
        app.get('/x', breaker(opts({ isFailure })), (_req, res) => {
          res.send('ok');
        });
        const url = await serve(app);
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
      let calls = 0;
      const app = express();
      app.get('/slow', breaker(opts()), (_req, res) => {
        if (++calls === 1) {
          res.once('close', () => closed.resolve());
          res.write('partial');
          return; // never finishes
        }
        res.send('ok');
      });
      const url = await serve(app);
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
    });
  });

  it('never leaks a permit when the client left before breaker() ran (an async middleware first)', async () => {
    const entered = deferred();
    const gone = deferred();
    const app = express();
    app.use((_req, res, next) => {
      entered.resolve();
      res.once('close', () => gone.resolve());
      void gone.promise.then(() => setImmediate(next));
    });
    app.get('/y', breaker(opts({ resetTimeout: 1000 })), (_req, res) => {
      res.send('late');
    });
    const url = await serve(app);
    const { request } = await import('node:http');
    const req = request(`${url}/y`);
    req.on('error', () => {});
    req.end();
    await entered.promise;
    req.destroy();
    await gone.promise;
    await new Promise<void>((resolve) => setImmediate(() => setImmediate(resolve)));
    const m = registry.has('GET /y') ? registry.get('GET /y').getMetrics() : undefined;
    expect(m?.inFlight ?? 0).toBe(0);
    expect(m?.successCount ?? 0).toBe(0);
    expect(m?.failureCount ?? 0).toBe(0);
  });

  describe('rejection', () => {
    it('answers 503 with Retry-After from the clock and a JSON body, without calling the handler', async () => {
      let calls = 0;
      const app = express();
      app.get('/x', breaker(opts({ failureThreshold: 1, resetTimeout: 30_000 })), (_req, res) => {
        calls++;
        res.status(500).end();
      });
      const url = await serve(app);
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
      const app = express();
      app.get('/x', breaker(opts()), (_req, res) => {
        res.send('never');
      });
      const url = await serve(app);
      const rejected = await get(`${url}/x`);
      expect(rejected.status).toBe(503);
      expect(rejected.headers.has('retry-after')).toBe(false);
      expect(rejected.json()).toEqual({ error: 'circuit_open', breaker: 'GET /x', retryAfter: null });
    });

    it("passes the CircuitOpenError to the error handler with rejectWith: 'error'", async () => {
      registry.get('GET /x', { clock, resetTimeout: 5_000 }).openFor(5_000);
      const app = express();
      app.get('/x', breaker(opts({ rejectWith: 'error' })), (_req, res) => {
        res.send('never');
      });
      app.use(errorHandler);
      const url = await serve(app);
      expect((await get(`${url}/x`)).status).toBe(503);
      expect(errors).toHaveLength(1);
      const error = errors[0];
      expect(isCircuitOpenError(error)).toBe(true);
      expect(error).toMatchObject({
        breakerName: 'GET /x',
        status: 503,
        statusCode: 503,
        retryAfter: 5,
        headers: { 'Retry-After': '5' },
      });
    });

    it("lets Express's default error handler send 503 and Retry-After with rejectWith: 'error'", async () => {
      registry.get('GET /x', { clock }).openFor(2_000);
      const app = express();
      app.get('/x', breaker(opts({ rejectWith: 'error' })), (_req, res) => {
        res.send('never');
      });
      const url = await serve(app);
      const rejected = await get(`${url}/x`);
      expect(rejected.status).toBe(503);
      expect(rejected.headers.get('retry-after')).toBe('2');
    });

    it('calls onReject instead of answering', async () => {
      registry.get('GET /x', { clock }).openFor(2_000);
      const seen: Array<[string, unknown]> = [];
      const app = express();
      const onReject: BreakerMiddlewareOptions['onReject'] = (req, res, _next, error) => {
        seen.push([req.path, error]);
        res.status(429).send('busy');
      };
      app.get('/x', breaker(opts({ onReject, rejectWith: 'error' })), (_req, res) => {
        res.send('never');
      });
      const url = await serve(app);
      expect(await get(`${url}/x`)).toMatchObject({ status: 429, text: 'busy' });
      expect(seen).toHaveLength(1);
      expect(seen[0]?.[0]).toBe('/x');
      expect(isCircuitOpenError(seen[0]?.[1])).toBe(true);
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
    const app = express();
    const options = opts({ failureThreshold: 1, resetTimeout: 1_000, halfOpenMaxCalls: 2 });
    app.get('/x', breaker(options), (_req, res) => {
      if (!tripped) {
        tripped = true;
        res.status(500).end();
        return;
      }
      entered++;
      decided();
      void gate.promise.then(() => res.send('ok'));
    });
    const url = await serve(app);
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
