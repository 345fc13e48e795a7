import { createRequire } from 'node:module';
import { isCircuitOpenError } from '@tripswitch/core';
import { fetchText as get, nextEvent } from '@tripswitch/testkit';
import { useServerHarness } from '@tripswitch/testkit/server-harness';
import type { FastifyInstance } from 'fastify';
import { describe, expect, it, vi } from 'vitest';
import type { TripswitchOptions } from './options.js';
import { tripswitch } from './tripswitch.js';

const require = createRequire(import.meta.url);
type FastifyFactory = typeof import('fastify').default;

describe.each(['fastify4', 'fastify5'])('tripswitch plugin on %s', (pkg) => {
  const Fastify = require(pkg) as FastifyFactory;
  const h = useServerHarness<FastifyInstance>();
  const opts = (extra: TripswitchOptions = {}): TripswitchOptions => ({
    registry: h.registry,
    clock: h.clock,
    ...extra,
  });

  /** A Fastify app with the plugin registered (awaited, as routes are seen when added), then `routes`. */
  async function serve(
    routes: (app: FastifyInstance) => void | Promise<void>,
    options: TripswitchOptions = opts(),
  ): Promise<{ url: string; app: FastifyInstance }> {
    const app = h.started(Fastify({ forceCloseConnections: true }));
    await app.register(tripswitch, options);
    await routes(app);
    await app.listen({ port: 0, host: '127.0.0.1' });
    const { port } = app.server.address() as { port: number };
    return { url: `http://127.0.0.1:${port}`, app };
  }

  it('re-exports isCircuitOpenError from the core, so error handlers need not import it', async () => {
    expect((await import('./index.js')).isCircuitOpenError).toBe(isCircuitOpenError);
  });

  describe('which routes', () => {
    it('puts only routes with config.breaker behind a breaker by default', async () => {
      const { url } = await serve((app) => {
        app.get('/guarded', { config: { breaker: true } }, async () => 'g');
        app.get('/plain', async () => 'p');
      });
      await get(`${url}/guarded`);
      await get(`${url}/plain`);
      expect(Object.keys(h.registry.snapshot())).toEqual(['GET /guarded']);
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
      expect(Object.keys(h.registry.snapshot())).toEqual(['GET /a', 'POST /b']);
    });

    it('applies only inside the encapsulated plugin it is registered in, with its prefixes', async () => {
      const app = h.started(Fastify({ forceCloseConnections: true }));
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
      expect(Object.keys(h.registry.snapshot())).toEqual(['GET /api/users/:id']);
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
      expect(Object.keys(h.registry.snapshot()).sort()).toEqual(['GET /x', 'POST /x']);
    });
  });

  describe('outcomes', () => {
    it('does not count Fastify’s 400 for a body that fails the schema, or for bad JSON', async () => {
      const b = h.registry.get('POST /x', { clock: h.clock, failureThreshold: 1 });
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
      const b = h.registry.get('GET /x', { clock: h.clock, failureThreshold: 10 });
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
      const b = h.registry.get('GET /x', { clock: h.clock });
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
      h.registry.get('POST /upload', { clock: h.clock }).openFor(10_000);
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

    it('lets Fastify’s default error handler answer 503 + Retry-After with rejectWith: error', async () => {
      h.registry.get('GET /x', { clock: h.clock }).openFor(3_000);
      const { url } = await serve((app) => {
        app.get('/x', { config: { breaker: { rejectWith: 'error' } } }, async () => 'never');
      });
      const rejected = await get(`${url}/x`);
      expect(rejected.status).toBe(503);
      expect(rejected.headers.get('retry-after')).toBe('3');
      expect(rejected.json()).toMatchObject({ statusCode: 503, code: 'CIRCUIT_OPEN' });
    });

    it('passes an error thrown by onReject to Fastify’s error handler', async () => {
      h.registry.get('GET /x', { clock: h.clock }).openFor(2_000);
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
      expect(h.registry.get('GET /x').getMetrics()).toMatchObject({ rejectedCount: 2, inFlight: 0 });
    });
  });

  describe('options', () => {
    it('throws at registration on a bad plugin option, naming it and the value', async () => {
      const app = h.started(Fastify());
      await expect(app.register(tripswitch, { failureThreshold: 0 })).rejects.toThrow(
        new RangeError('failureThreshold must be an integer >= 1, got 0'),
      );
    });

    it('throws when a route with bad breaker options is added, naming the route', async () => {
      const app = h.started(Fastify());
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
      h.registry.get('GET /closed-out', { clock: h.clock }).openFor(1_000);
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
      expect(h.registry.get('GET /x').getMetrics().failureCount).toBe(1);
    });

    it('can be registered in two scopes of one app', async () => {
      const { url } = await serve(async (app) => {
        await app.register(async (child) => {
          await child.register(tripswitch, opts({ name: 'inner' }));
          child.get('/in', { config: { breaker: true } }, async () => 'in');
        });
      });
      expect((await get(`${url}/in`)).text).toBe('in');
      expect(Object.keys(h.registry.snapshot())).toEqual(['inner']);
    });
  });
});
