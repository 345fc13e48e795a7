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
import { deferred } from '@tripswitch/testkit';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TripswitchOptions } from './options.js';
import { tripswitch } from './tripswitch.js';

const require = createRequire(import.meta.url);
type FastifyFactory = typeof import('fastify').default;
const versions: Array<[string, number]> = [
  ['fastify4', 4],
  ['fastify5', 5],
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

describe.each(versions)('tripswitch plugin on %s', (pkg, major) => {
  const Fastify = require(pkg) as FastifyFactory;
  let registry: BreakerRegistry;
  let clock: TestClock;
  let apps: FastifyInstance[];

  beforeEach(() => {
    registry = new BreakerRegistry();
    clock = createTestClock();
    apps = [];
  });
  afterEach(async () => {
    await Promise.all(apps.map((a) => a.close()));
  });

  const opts = (extra: TripswitchOptions = {}): TripswitchOptions => ({ registry, clock, ...extra });

  /** A Fastify app with the plugin registered (awaited, as routes are seen when added), then `routes`. */
  async function serve(
    routes: (app: FastifyInstance) => void | Promise<void>,
    options: TripswitchOptions = opts(),
  ): Promise<{ url: string; app: FastifyInstance }> {
    const app = Fastify({ forceCloseConnections: true });
    apps.push(app);
    await app.register(tripswitch, options);
    await routes(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, app };
  }

  it(`runs on Fastify ${major}`, () => {
    expect((require(`${pkg}/package.json`) as { version: string }).version.split('.')[0]).toBe(String(major));
  });

  describe('which routes', () => {
    it('puts only routes with config.breaker behind a breaker by default', async () => {
      const { url } = await serve((app) => {
        app.get('/guarded', { config: { breaker: true } }, async () => 'g');
        app.get('/plain', async () => 'p');
      });
      await get(`${url}/guarded`);
      await get(`${url}/plain`);
      expect(Object.keys(registry.snapshot())).toEqual(['GET /guarded']);
    });

    it('puts every route behind one with allRoutes, and config.breaker: false opts a route out', async () => {
      const { url } = await serve(
        (app) => {
          app.get('/a', async () => 'a');
          app.post('/b', async () => 'b');
          app.get('/out', { config: { breaker: false } }, async () => 'out');
        },
        opts({ allRoutes: true }),
      );
      await get(`${url}/a`);
      await get(`${url}/b`, { method: 'POST' });
      await get(`${url}/out`);
      expect(Object.keys(registry.snapshot())).toEqual(['GET /a', 'POST /b']);
    });

    it('applies only inside the encapsulated plugin it is registered in, with its prefixes', async () => {
      const app = Fastify({ forceCloseConnections: true });
      apps.push(app);
      await app.register(
        async (api) => {
          await api.register(tripswitch, opts({ allRoutes: true }));
          await api.register(
            async (users) => {
              users.get('/:id', async (request) => (request.params as { id: string }).id);
            },
            { prefix: '/users' },
          );
        },
        { prefix: '/api' },
      );
      await app.register(async (other) => {
        other.get('/other', async () => 'other');
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      expect((await get(`${url}/api/users/7`)).text).toBe('7');
      expect((await get(`${url}/other`)).text).toBe('other');
      expect(Object.keys(registry.snapshot())).toEqual(['GET /api/users/:id']);
    });

    it('merges a route’s options onto the plugin’s', async () => {
      const { url } = await serve(
        (app) => {
          app.get('/strict', { config: { breaker: { failureThreshold: 1 } } }, async (_r, reply) =>
            reply.code(500).send('x'),
          );
          app.get('/default', { config: { breaker: true } }, async (_r, reply) => reply.code(500).send('x'));
        },
        opts({ failureThreshold: 3, resetTimeout: 5_000 }),
      );
      await get(`${url}/strict`);
      await get(`${url}/default`);
      const rejected = await get(`${url}/strict`);
      expect(rejected.status).toBe(503);
      expect(rejected.headers.get('retry-after')).toBe('5');
      expect((await get(`${url}/default`)).status).toBe(500);
    });
  });

  describe('naming', () => {
    it('gives each method of a route its own breaker', async () => {
      const { url } = await serve((app) => {
        app.route({
          method: ['GET', 'POST'],
          url: '/x',
          config: { breaker: true },
          handler: async () => 'x',
        });
      });
      await get(`${url}/x`, { method: 'POST' });
      await get(`${url}/x`);
      expect(Object.keys(registry.snapshot()).sort()).toEqual(['GET /x', 'POST /x']);
    });

    it('shares one breaker between routes given the same name', async () => {
      const shared = { breaker: { name: 'database', failureThreshold: 1 } };
      const { url } = await serve((app) => {
        app.get('/x', { config: shared }, async (_r, reply) => reply.code(500).send('x'));
        app.get('/y', { config: shared }, async () => 'y');
      });
      await get(`${url}/x`);
      const rejected = await get(`${url}/y`);
      expect(rejected.status).toBe(503);
      expect(rejected.json()).toMatchObject({ breaker: 'database' });
    });
  });

  describe('outcomes', () => {
    it('does not count Fastify’s 400 for a body that fails the schema, or for bad JSON', async () => {
      const b = registry.get('POST /x', { clock, failureThreshold: 1 });
      const { url } = await serve((app) => {
        app.post(
          '/x',
          {
            config: { breaker: true },
            schema: { body: { type: 'object', required: ['n'], properties: { n: { type: 'integer' } } } },
          },
          async () => 'ok',
        );
      });
      const json = { method: 'POST', headers: { 'content-type': 'application/json' } };
      expect((await get(`${url}/x`, { ...json, body: '{"n":"no"}' })).status).toBe(400);
      expect((await get(`${url}/x`, { ...json, body: '{not json' })).status).toBe(400);
      expect(b.getMetrics()).toMatchObject({
        state: 'closed',
        failureCount: 0,
        successCount: 2,
        inFlight: 0,
      });
    });

    it('settles a request whose error reaches onError once, with the error', async () => {
      const b = registry.get('GET /x', { clock, failureThreshold: 10 });
      const boom = new Error('boom');
      const seen: unknown[] = [];
      const { url } = await serve(
        (app) => {
          app.get('/x', { config: { breaker: true } }, async () => {
            throw boom;
          });
        },
        opts({
          isFailure: (_request, reply, error) => {
            seen.push([reply.statusCode, error]);
            return true;
          },
        }),
      );
      const failed = nextEvent(b, 'failure');
      expect((await get(`${url}/x`)).status).toBe(500);
      expect((await failed).error).toBe(boom);
      expect(seen).toHaveLength(1);
      expect(b.getMetrics()).toMatchObject({ failureCount: 1, successCount: 0, inFlight: 0 });
    });

    it('settles the permit even when an earlier onResponse hook fails', async () => {
      const b = registry.get('GET /x', { clock });
      const log = vi.fn();
      const { url, app } = await serve((a) => {
        a.addHook('onResponse', async () => {
          throw new Error('broken onResponse');
        });
        a.get('/x', { config: { breaker: true } }, async (_r, reply) => reply.code(502).send('x'));
      });
      app.log.error = log as never;
      const failed = nextEvent(b, 'failure');
      expect((await get(`${url}/x`)).status).toBe(502);
      expect((await failed).error).toBe(502);
      expect(b.getMetrics().inFlight).toBe(0);
    });
  });

  describe('rejection', () => {
    it('answers in onRequest, before the body is read or parsed', async () => {
      registry.get('POST /upload', { clock }).openFor(10_000);
      const parsed = vi.fn();
      const { url } = await serve((app) => {
        app.addContentTypeParser('application/x-counted', (_request, payload, done) => {
          parsed();
          payload.resume();
          payload.on('end', () => done(null, 'body'));
        });
        app.addHook('preParsing', async (_request, _reply, payload) => {
          parsed();
          return payload;
        });
        app.post('/upload', { config: { breaker: true } }, async () => 'never');
      });
      const rejected = await get(`${url}/upload`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-counted' },
        body: 'x'.repeat(64 * 1024),
      });
      expect(rejected.status).toBe(503);
      expect(rejected.headers.get('retry-after')).toBe('10');
      expect(rejected.json()).toEqual({ error: 'circuit_open', breaker: 'POST /upload', retryAfter: 10 });
      expect(parsed).not.toHaveBeenCalled();
    });

    it('hands the CircuitOpenError to Fastify’s error handler with rejectWith: error', async () => {
      registry.get('GET /x', { clock }).openFor(5_000);
      const handled: unknown[] = [];
      const { url } = await serve(
        (app) => {
          app.setErrorHandler((error, _request, reply) => {
            handled.push(error);
            return reply
              .code((error as { statusCode?: number }).statusCode ?? 500)
              .headers((error as { headers?: Record<string, string> }).headers ?? {})
              .send({ handled: true });
          });
          app.get('/x', { config: { breaker: true } }, async () => 'never');
        },
        opts({ rejectWith: 'error' }),
      );
      const rejected = await get(`${url}/x`);
      expect(rejected.status).toBe(503);
      expect(rejected.headers.get('retry-after')).toBe('5');
      expect(rejected.json()).toEqual({ handled: true });
      expect(handled).toHaveLength(1);
      expect(isCircuitOpenError(handled[0])).toBe(true);
      expect(handled[0]).toMatchObject({ statusCode: 503, retryAfter: 5, breakerName: 'GET /x' });
    });

    it('lets Fastify’s default error handler answer 503 + Retry-After with rejectWith: error', async () => {
      registry.get('GET /x', { clock }).openFor(3_000);
      const { url } = await serve((app) => {
        app.get('/x', { config: { breaker: { rejectWith: 'error' } } }, async () => 'never');
      });
      const rejected = await get(`${url}/x`);
      expect(rejected.status).toBe(503);
      expect(rejected.headers.get('retry-after')).toBe('3');
      expect(rejected.json()).toMatchObject({ statusCode: 503, code: 'CIRCUIT_OPEN' });
    });

    it.each([
      ['synchronous', false],
      ['async', true],
    ])('calls a %s onReject(request, reply, error) instead of answering', async (_kind, async) => {
      registry.get('GET /x', { clock }).openFor(2_000);
      const seen: unknown[] = [];
      const answer = (request: { url: string }, reply: { code(n: number): { send(b: string): unknown } }) =>
        reply.code(429).send(`busy ${request.url}`);
      const { url } = await serve(
        (app) => {
          app.get('/x', { config: { breaker: true } }, async () => 'never');
        },
        opts({
          rejectWith: 'error',
          onReject: async
            ? async (request, reply, error) => {
                await Promise.resolve();
                seen.push(error);
                answer(request, reply);
              }
            : (request, reply, error) => {
                seen.push(error);
                answer(request, reply);
              },
        }),
      );
      expect(await get(`${url}/x`)).toMatchObject({ status: 429, text: 'busy /x' });
      expect(seen).toHaveLength(1);
      expect(isCircuitOpenError(seen[0])).toBe(true);
    });

    it('passes an error thrown by onReject to Fastify’s error handler', async () => {
      registry.get('GET /x', { clock }).openFor(2_000);
      const oops = new Error('onReject broke');
      const handled: unknown[] = [];
      const { url } = await serve(
        (app) => {
          app.setErrorHandler((error, _request, reply) => {
            handled.push(error);
            return reply.code(500).send('handled');
          });
          app.get('/x', { config: { breaker: true } }, async () => 'never');
          app.get(
            '/y',
            { config: { breaker: { name: 'GET /x', onReject: async () => Promise.reject(oops) } } },
            async () => 'never',
          );
        },
        opts({
          onReject: () => {
            throw oops;
          },
        }),
      );
      expect(await get(`${url}/x`)).toMatchObject({ status: 500, text: 'handled' });
      expect(await get(`${url}/y`)).toMatchObject({ status: 500, text: 'handled' });
      expect(handled).toEqual([oops, oops]);
      expect(registry.get('GET /x').getMetrics()).toMatchObject({ rejectedCount: 2, inFlight: 0 });
    });
  });

  describe('outcomes over HTTP', () => {
    it('counts a 5xx status as a failure with the status, and a 4xx as a success', async () => {
      const b = registry.get('GET /x', { clock });
      const { url } = await serve((app) => {
        app.get('/x', { config: { breaker: true } }, async (request, reply) =>
          reply.code(Number((request.query as { s: string }).s)).send('x'),
        );
      });
      const failed = nextEvent(b, 'failure');
      expect((await get(`${url}/x?s=503`)).status).toBe(503);
      expect((await failed).error).toBe(503);
      const succeeded = nextEvent(b, 'success');
      expect((await get(`${url}/x?s=404`)).status).toBe(404);
      await succeeded;
      expect(b.getMetrics()).toMatchObject({ failureCount: 1, successCount: 1, inFlight: 0 });
    });

    const throwers: Array<
      [string, (boom: Error) => (request: unknown, reply: { send(e: Error): unknown }) => unknown]
    > = [
      [
        'a synchronous handler throws',
        (boom) => () => {
          throw boom;
        },
      ],
      [
        'an async handler rejects',
        (boom) => async () => {
          await Promise.resolve();
          throw boom;
        },
      ],
      ['a handler passes it to reply.send()', (boom) => (_request, reply) => reply.send(boom)],
    ];
    it.each(throwers)('counts an error as a failure when %s, with the error itself', async (_, handler) => {
      const b = registry.get('GET /x', { clock });
      const boom = new Error('boom');
      const { url } = await serve((app) => {
        app.get('/x', { config: { breaker: true } }, handler(boom) as never);
      });
      const failed = nextEvent(b, 'failure');
      expect((await get(`${url}/x`)).status).toBe(500);
      expect((await failed).error).toBe(boom);
      expect(b.getMetrics()).toMatchObject({ failureCount: 1, inFlight: 0 });
    });

    it('uses a custom isFailure(request, reply, error)', async () => {
      const b = registry.get('GET /x', { clock });
      const { url } = await serve(
        (app) => {
          app.get('/x', { config: { breaker: true } }, async (request, reply) =>
            reply.code(Number((request.query as { s: string }).s)).send('x'),
          );
        },
        opts({ isFailure: (_request, reply) => reply.statusCode === 429 }),
      );
      const failed = nextEvent(b, 'failure');
      await get(`${url}/x?s=429`);
      expect((await failed).error).toBe(429);
      const succeeded = nextEvent(b, 'success');
      await get(`${url}/x?s=500`);
      await succeeded;
    });

    it('counts a request as a failure when isFailure throws, and reports that once', async () => {
      const b = registry.get('GET /x', { clock, failureThreshold: 10 });
      const log = vi.spyOn(console, 'error').mockImplementation(() => {});
      try {
        const { url } = await serve(
          (app) => {
            app.get('/x', { config: { breaker: true } }, async () => 'ok');
          },
          opts({
            isFailure: () => {
              throw new Error('broken hook');
            },
          }),
        );
        for (let i = 0; i < 2; i++) {
          const failed = nextEvent(b, 'failure');
          expect((await get(`${url}/x`)).status).toBe(200);
          await failed;
        }
        expect(log).toHaveBeenCalledTimes(1);
      } finally {
        log.mockRestore();
      }
    });

    it('sends isFailure errors to onListenerError when given, and survives one that throws', async () => {
      const b = registry.get('GET /x', { clock, failureThreshold: 10 });
      const reported: unknown[] = [];
      const broken = new Error('broken hook');
      const { url } = await serve(
        (app) => {
          app.get('/x', { config: { breaker: true } }, async () => 'ok');
        },
        opts({
          isFailure: () => {
            throw broken;
          },
          onListenerError: (error, source) => {
            reported.push([error, source]);
            throw new Error('and the reporter too');
          },
        }),
      );
      for (let i = 0; i < 2; i++) {
        const failed = nextEvent(b, 'failure');
        expect((await get(`${url}/x`)).status).toBe(200);
        await failed;
      }
      expect(reported).toEqual([
        [broken, 'isFailure'],
        [broken, 'isFailure'],
      ]);
    });

    it('ignores a request whose client went away mid-response, freeing the half_open slot', async () => {
      const b = registry.get('GET /slow', { clock, resetTimeout: 1000, halfOpenMaxCalls: 1 });
      b.openFor(1000);
      clock.advance(1000);
      const closed = deferred();
      let calls = 0;
      const { url } = await serve((app) => {
        app.get('/slow', { config: { breaker: true } }, (_request, reply) => {
          if (++calls > 1) return reply.send('ok');
          reply.raw.once('close', () => closed.resolve());
          reply.hijack();
          reply.raw.writeHead(200);
          reply.raw.write('partial'); // the rest never comes
        });
      });
      const abort = new AbortController();
      expect((await fetch(`${url}/slow`, { signal: abort.signal })).status).toBe(200);
      expect(b.getMetrics()).toMatchObject({ state: 'half_open', inFlight: 1 });
      abort.abort();
      await closed.promise;
      expect(b.getMetrics()).toMatchObject({
        ignoredCount: 1,
        failureCount: 0,
        successCount: 0,
        inFlight: 0,
      });
      expect(await get(`${url}/slow`)).toMatchObject({ status: 200, text: 'ok' });
      expect(b.state).toBe('closed');
    });
  });

  describe('rejection over HTTP', () => {
    it('answers 503 with Retry-After from the clock, rounded up, at least 1, without the handler', async () => {
      let calls = 0;
      const { url } = await serve(
        (app) => {
          app.get('/x', { config: { breaker: true } }, async (_r, reply) => {
            calls++;
            return reply.code(500).send('x');
          });
        },
        opts({ failureThreshold: 1, resetTimeout: 30_000 }),
      );
      await get(`${url}/x`);
      clock.advance(10_500);
      const rejected = await get(`${url}/x`);
      expect(rejected.status).toBe(503);
      expect(rejected.headers.get('retry-after')).toBe('20');
      expect(rejected.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(rejected.json()).toEqual({ error: 'circuit_open', breaker: 'GET /x', retryAfter: 20 });
      clock.advance(19_400);
      expect((await get(`${url}/x`)).headers.get('retry-after')).toBe('1');
      expect(calls).toBe(1);
    });

    it('omits Retry-After and sends retryAfter: null while forced open', async () => {
      registry.get('GET /x', { clock }).forceOpen();
      const { url } = await serve((app) => {
        app.get('/x', { config: { breaker: true } }, async () => 'never');
      });
      const rejected = await get(`${url}/x`);
      expect(rejected.status).toBe(503);
      expect(rejected.headers.has('retry-after')).toBe(false);
      expect(rejected.json()).toEqual({ error: 'circuit_open', breaker: 'GET /x', retryAfter: null });
    });

    it('lets exactly halfOpenMaxCalls of 20 concurrent requests through in half_open', async () => {
      const gate = deferred();
      const allDecided = deferred();
      let entered = 0;
      let rejected = 0;
      const decided = () => {
        if (entered + rejected === 20) allDecided.resolve();
      };
      const b = registry.get('GET /x', { clock, resetTimeout: 1_000, halfOpenMaxCalls: 2 });
      const { url } = await serve((app) => {
        app.get('/x', { config: { breaker: true } }, async () => {
          entered++;
          decided();
          await gate.promise;
          return 'ok';
        });
      });
      b.openFor(1_000);
      clock.advance(1_000);
      const statuses = Array.from({ length: 20 }, async () => {
        const res = await fetch(`${url}/x`);
        if (res.status === 503) {
          expect(res.headers.get('retry-after')).toBe('1');
          rejected++;
          decided();
        }
        await res.text();
        return res.status;
      });
      await allDecided.promise;
      expect(entered).toBe(2);
      gate.resolve();
      const all = await Promise.all(statuses);
      expect(all.filter((s) => s === 200)).toHaveLength(2);
      expect(all.filter((s) => s === 503)).toHaveLength(18);
      expect(b.getMetrics()).toMatchObject({ state: 'closed', inFlight: 0 });
    });
  });

  describe('options', () => {
    it('throws at registration on a bad plugin option, naming it and the value', async () => {
      const app = Fastify();
      apps.push(app);
      await expect(app.register(tripswitch, { failureThreshold: 0 })).rejects.toThrow(
        new RangeError('failureThreshold must be an integer >= 1, got 0'),
      );
    });

    it('throws when a route with bad breaker options is added, naming the route', async () => {
      const app = Fastify();
      apps.push(app);
      await app.register(tripswitch, opts());
      expect(() => app.get('/x', { config: { breaker: { resetTimeout: -1 } } }, async () => 'x')).toThrow(
        /^GET \/x: resetTimeout must be/,
      );
      expect(() => app.get('/y', { config: { breaker: 'yes' as never } }, async () => 'y')).toThrow(
        new TypeError('GET /y: config.breaker must be true, false or breaker options, got "yes"'),
      );
    });

    it('keeps a route’s own hooks, after admission', async () => {
      const seen: string[] = [];
      registry.get('GET /closed-out', { clock }).openFor(1_000);
      const own = {
        onRequest: [
          (_request: unknown, _reply: unknown, done: () => void) => {
            seen.push('own onRequest');
            done();
          },
        ],
        onError: (_request: unknown, _reply: unknown, _error: unknown, done: () => void) => {
          seen.push('own onError');
          done();
        },
      };
      const { url } = await serve((app) => {
        app.get('/x', { config: { breaker: true }, ...own }, async () => {
          throw new Error('boom');
        });
        app.get('/closed-out', { config: { breaker: true }, ...own }, async () => 'never');
      });
      expect((await get(`${url}/x`)).status).toBe(500);
      expect(seen).toEqual(['own onRequest', 'own onError']);
      seen.length = 0;
      expect((await get(`${url}/closed-out`)).status).toBe(503);
      expect(seen).toEqual([]); // rejected before the route's own hooks
      expect(registry.get('GET /x').getMetrics().failureCount).toBe(1);
    });

    it('can be registered in two scopes of one app', async () => {
      const { url } = await serve(async (app) => {
        await app.register(async (child) => {
          await child.register(tripswitch, opts({ name: 'inner' }));
          child.get('/in', { config: { breaker: true } }, async () => 'in');
        });
      });
      expect((await get(`${url}/in`)).text).toBe('in');
      expect(Object.keys(registry.snapshot())).toEqual(['inner']);
    });
  });
});
