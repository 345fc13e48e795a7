import { request } from 'node:http';
import { type BreakerRegistry, isCallTimeoutError, isCircuitOpenError } from '@tripswitch/core';
import type { BreakerHealthBody } from '@tripswitch/core/http';
import { describe, expect, it, vi } from 'vitest';
import { deferred } from './deferred.js';
import { fetchText as get } from './fetch-text.js';
import { nextEvent } from './next-event.js';
import { useServerHarness } from './server-harness.js';
import type {
  ServerSuiteDriver,
  SuiteApp,
  SuiteBreakerOptions,
  SuiteHandler,
  SuiteRoute,
  SuiteServer,
} from './server-suite-driver.js';

/**
 * The conformance suite of a server adapter: what every server adapter does the same, run over HTTP on a
 * real server with the driver's framework. Route naming (parameterised, nested and prefixed routes),
 * every outcome kind, client aborts, rejection with a test clock (503 + `Retry-After`), `rejectWith` and
 * `onReject`, half_open admission under concurrency, and the health handler. The telemetry half of the
 * contract is `describeServerTelemetry` (it runs on both SDK lines).
 *
 * @example
 * ```ts
 * describeServerAdapter(expressDriver(require('express5'), 'Express 5'));
 * ```
 */
export function describeServerAdapter(driver: ServerSuiteDriver): void {
  describe(`server adapter suite on ${driver.label}`, () => {
    const h = useServerHarness<SuiteServer>();
    const opts = (extra: Partial<SuiteBreakerOptions> = {}): SuiteBreakerOptions => ({
      registry: h.registry,
      clock: h.clock,
      ...extra,
    });
    const route = (
      path: string,
      handler: SuiteHandler,
      breaker: SuiteBreakerOptions = opts(),
      extra: Partial<SuiteRoute> = {},
    ): SuiteRoute => ({ method: 'GET', path, breaker, handler, ...extra });
    async function serve(app: SuiteApp): Promise<SuiteServer> {
      return h.started(await driver.serve(app));
    }
    const answer =
      (status: number, body = String(status)): SuiteHandler =>
      (x) =>
        x.send(status, body);

    it(`runs on ${driver.label}`, () => {
      expect(driver.version.split('.')[0]).toBe(String(driver.major));
    });

    describe('naming', () => {
      it('gives each route its own breaker: /a failing opens only GET /a', async () => {
        const { url } = await serve({
          routes: [
            route('/a', answer(500), opts({ failureThreshold: 2 })),
            route('/b', answer(200, 'b'), opts({ failureThreshold: 2 })),
          ],
        });
        expect((await get(`${url}/a`)).status).toBe(500);
        expect((await get(`${url}/a`)).status).toBe(500);
        expect((await get(`${url}/a`)).status).toBe(503);
        expect(await get(`${url}/b`)).toMatchObject({ status: 200, text: 'b' });
        expect(h.registry.snapshot()['GET /a']?.state).toBe('open');
        expect(h.registry.snapshot()['GET /b']?.state).toBe('closed');
      });

      it('shares one breaker between the values of a parameterised route', async () => {
        const { url } = await serve({
          routes: [route('/users/:id', answer(502), opts({ failureThreshold: 2 }))],
        });
        await get(`${url}/users/1`);
        await get(`${url}/users/2`);
        const rejected = await get(`${url}/users/3`);
        expect(rejected.status).toBe(503);
        expect(rejected.json()).toMatchObject({ breaker: 'GET /users/:id' });
        expect(Object.keys(h.registry.snapshot())).toEqual(['GET /users/:id']);
      });

      it('names a route under nested prefixes by its full template', async () => {
        const { url } = await serve({
          routes: [route('/:id/orders', answer(200, 'orders'), opts(), { prefixes: ['/api', '/users'] })],
        });
        expect((await get(`${url}/api/users/7/orders`)).text).toBe('orders');
        expect(Object.keys(h.registry.snapshot())).toEqual(['GET /api/users/:id/orders']);
      });

      it('gives one set of breaker options on two routes two breakers', async () => {
        const shared = opts();
        const { url } = await serve({
          routes: [route('/x', answer(200), shared), route('/y', answer(200), shared, { method: 'POST' })],
        });
        await get(`${url}/x`);
        await get(`${url}/y`, { method: 'POST' });
        expect(Object.keys(h.registry.snapshot())).toEqual(['GET /x', 'POST /y']);
      });

      it('shares one breaker between routes given the same name', async () => {
        const shared = opts({ name: 'database', failureThreshold: 1 });
        const { url } = await serve({
          routes: [route('/x', answer(500), shared), route('/y', answer(200), shared)],
        });
        await get(`${url}/x`);
        const rejected = await get(`${url}/y`);
        expect(rejected.status).toBe(503);
        expect(rejected.json()).toMatchObject({ breaker: 'database' });
      });
    });

    describe('options', () => {
      it('treats null options as not given: the route names the breaker, the defaults apply', async () => {
        const nulls = { name: null, rejectWith: null, failureThreshold: null, deadline: null } as never;
        const { url } = await serve({
          routes: [route('/x', answer(500), opts(nulls))],
          health: { '/health': { registry: h.registry, failWhenOpen: null } as never },
        });
        for (let i = 0; i < 5; i++) expect((await get(`${url}/x`)).status).toBe(500);
        const rejected = await get(`${url}/x`);
        expect(rejected.status).toBe(503);
        expect(rejected.json()).toMatchObject({ error: 'circuit_open', breaker: 'GET /x' });
        const health = await get(`${url}/health`);
        expect(health.status).toBe(200);
        expect(health.json()).toMatchObject({ status: 'DEGRADED' });
      });

      it('uses a registry from another copy of the core: it is checked by shape, not by class', async () => {
        const real = h.registry;
        const foreign = { get: real.get.bind(real), snapshot: real.snapshot.bind(real) };
        const registry = foreign as unknown as BreakerRegistry;
        const { url } = await serve({
          routes: [route('/x', answer(500), opts({ registry, failureThreshold: 1 }))],
          health: { '/health': { registry } },
        });
        expect((await get(`${url}/x`)).status).toBe(500);
        expect((await get(`${url}/x`)).status).toBe(503);
        expect(real.get('GET /x').getMetrics()).toMatchObject({ state: 'open', failureCount: 1 });
        expect((await get(`${url}/health`)).json()).toMatchObject({
          status: 'DEGRADED',
          breakers: { 'GET /x': { state: 'open' } },
        });
      });
    });

    describe('outcomes', () => {
      it('counts a 5xx response as a failure, with the status as the error', async () => {
        const b = h.registry.get('GET /x', { clock: h.clock });
        const { url } = await serve({ routes: [route('/x', answer(503, 'down'))] });
        const failed = nextEvent(b, 'failure');
        expect((await get(`${url}/x`)).status).toBe(503);
        expect((await failed).error).toBe(503);
        expect(b.getMetrics()).toMatchObject({ failureCount: 1, successCount: 0, inFlight: 0 });
      });

      it('counts 2xx and 4xx responses as successes', async () => {
        const b = h.registry.get('GET /x', { clock: h.clock });
        const { url } = await serve({ routes: [route('/x', (x) => x.send(Number(x.query('s'))))] });
        for (const s of [200, 404]) {
          const succeeded = nextEvent(b, 'success');
          expect((await get(`${url}/x?s=${s}`)).status).toBe(s);
          await succeeded;
        }
        expect(b.getMetrics()).toMatchObject({ failureCount: 0, successCount: 2, inFlight: 0 });
      });

      const throwers: Array<[string, (boom: Error) => SuiteHandler, boolean]> = [
        [
          'a synchronous handler throws',
          (boom) => () => {
            throw boom;
          },
          true,
        ],
        [
          'an async handler rejects',
          (boom) => async () => {
            await Promise.resolve();
            throw boom;
          },
          driver.asyncHandlerErrors,
        ],
        ['a handler passes it on later', (boom) => (x) => void setImmediate(() => x.pass(boom)), true],
      ];
      for (const [kind, handler, runs] of throwers) {
        it.runIf(runs)(`counts an error as a failure when ${kind}, with the error itself`, async () => {
          const b = h.registry.get('GET /x', { clock: h.clock });
          const boom = new Error('boom');
          const server = await serve({ routes: [route('/x', handler(boom))] });
          const failed = nextEvent(b, 'failure');
          expect((await get(`${server.url}/x`)).status).toBe(500);
          expect((await failed).error).toBe(boom);
          expect(server.errors).toEqual([boom]);
          expect(b.getMetrics()).toMatchObject({ failureCount: 1, inFlight: 0 });
        });
      }

      it('counts an error as a failure even when the error handling answers 4xx', async () => {
        const b = h.registry.get('GET /x', { clock: h.clock });
        const invalid = Object.assign(new Error('invalid'), { status: 400, statusCode: 400, expose: true });
        const server = await serve({ routes: [route('/x', (x) => x.pass(invalid))] });
        const failed = nextEvent(b, 'failure');
        expect((await get(`${server.url}/x`)).status).toBe(400);
        expect((await failed).error).toBe(invalid);
        expect(server.errors).toEqual([invalid]);
      });

      it('uses a custom isFailure with the status and the error', async () => {
        const b = h.registry.get('GET /x', { clock: h.clock });
        const seen: unknown[] = [];
        const boom = new Error('boom');
        const isFailure = (status: number, error: unknown) => {
          seen.push(error ?? status);
          return status === 429;
        };
        const { url } = await serve({
          routes: [
            route(
              '/x',
              (x) => (x.query('s') === 'error' ? x.pass(boom) : x.send(Number(x.query('s')))),
              opts({ isFailure }),
            ),
          ],
        });
        const failed = nextEvent(b, 'failure');
        await get(`${url}/x?s=429`);
        expect((await failed).error).toBe(429);
        for (const s of ['500', 'error']) {
          const succeeded = nextEvent(b, 'success');
          await get(`${url}/x?s=${s}`);
          await succeeded;
        }
        expect(seen).toEqual([429, 500, boom]);
        expect(b.getMetrics()).toMatchObject({ failureCount: 1, successCount: 2, inFlight: 0 });
      });

      it('counts a request as a failure when isFailure throws, and reports that once', async () => {
        const b = h.registry.get('GET /x', { clock: h.clock, failureThreshold: 10 });
        const log = vi.spyOn(console, 'error').mockImplementation(() => {});
        try {
          const isFailure = () => {
            throw new Error('broken hook');
          };
          const { url } = await serve({ routes: [route('/x', answer(200), opts({ isFailure }))] });
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

      it('sends isFailure errors to onListenerError when given, and survives one that throws', async () => {
        const b = h.registry.get('GET /x', { clock: h.clock, failureThreshold: 10 });
        const broken = new Error('broken hook');
        const reported: unknown[] = [];
        const options = opts({
          isFailure: () => {
            throw broken;
          },
          onListenerError: (error, source) => {
            reported.push([error, source]);
            throw new Error('and the reporter too');
          },
        });
        const { url } = await serve({ routes: [route('/x', answer(200), options)] });
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

      it('ignores a request whose client aborts mid-response, freeing the half_open slot', async () => {
        const b = h.registry.get('GET /slow', { clock: h.clock, resetTimeout: 1000, halfOpenMaxCalls: 1 });
        b.openFor(1000);
        h.clock.advance(1000);
        const closed = deferred();
        let calls = 0;
        const { url } = await serve({
          routes: [
            route('/slow', (x) => {
              if (++calls > 1) return x.send(200, 'ok');
              x.res.once('close', () => closed.resolve());
              x.writePartial();
            }),
          ],
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
        const succeeded = nextEvent(b, 'success');
        expect(await get(`${url}/slow`)).toMatchObject({ status: 200, text: 'ok' });
        await succeeded;
        expect(b.state).toBe('closed');
      });
    });

    describe('a client that left before admission', () => {
      // An async step before the route (auth, a body reader, an app-wide hook) outlives the client: 'close'
      // has fired by the time the breaker runs, so no listener would ever settle a permit taken then.
      it('takes no permit, even when the handler waits for close, and leaves the half_open slot free', async () => {
        const b = h.registry.get('GET /y', { clock: h.clock, resetTimeout: 1000, halfOpenMaxCalls: 1 });
        b.openFor(1000);
        h.clock.advance(1000);
        const entered = deferred();
        const gone = deferred();
        let requests = 0;
        const { url } = await serve({
          before: async (_req, res) => {
            if (++requests > 1) return;
            entered.resolve();
            res.once('close', () => gone.resolve());
            await gone.promise;
            await new Promise<void>((resolve) => setImmediate(resolve));
          },
          routes: [
            route('/y', async (x) => {
              // A long poll: it answers once its client has gone, which here happened already.
              if (requests === 1) {
                await new Promise<void>((resolve) => {
                  if (x.res.destroyed) resolve();
                  else x.res.once('close', () => resolve());
                });
              }
              x.send(200, 'ok');
            }),
          ],
        });
        const leaving = request(`${url}/y`);
        leaving.on('error', () => {});
        leaving.end();
        await entered.promise;
        leaving.destroy();
        await gone.promise;
        await new Promise<void>((resolve) => setImmediate(() => setImmediate(() => setImmediate(resolve))));
        expect(b.getMetrics()).toMatchObject({ inFlight: 0, successCount: 0, failureCount: 0 });
        expect(await get(`${url}/y`)).toMatchObject({ status: 200, text: 'ok' });
        expect(b.getMetrics()).toMatchObject({ state: 'closed', inFlight: 0, successCount: 1 });
      });
    });

    describe('a CircuitOpenError from a breaker the handler called', () => {
      async function callOpenUpstream(options: Partial<SuiteBreakerOptions>) {
        const upstream = h.registry.get('upstream', { clock: h.clock });
        upstream.forceOpen();
        const b = h.registry.get('GET /x', { clock: h.clock, failureThreshold: 2 });
        const seen: unknown[] = [];
        const isFailure = (_status: number, error: unknown) => {
          seen.push(error);
          return true;
        };
        const server = await serve({
          routes: [
            route(
              '/x',
              async (x) =>
                x.pass(await upstream.execute(async () => 'never').catch((error: unknown) => error)),
              opts({ isFailure, ...options }),
            ),
          ],
        });
        for (let i = 0; i < 2; i++) expect((await get(`${server.url}/x`)).status).toBeGreaterThanOrEqual(500);
        expect(server.errors).toHaveLength(2);
        expect(server.errors.every((e) => isCircuitOpenError(e) && e.breakerName === 'upstream')).toBe(true);
        return { b, seen, errors: server.errors };
      }

      it('is ignored by the route: one upstream outage does not trip every route calling it', async () => {
        const { b, seen } = await callOpenUpstream({});
        expect(b.getMetrics()).toMatchObject({
          state: 'closed',
          ignoredCount: 2,
          failureCount: 0,
          inFlight: 0,
        });
        expect(seen).toEqual([]);
      });

      it('goes to isFailure with ignoreCircuitOpen: false', async () => {
        const { b, seen, errors } = await callOpenUpstream({ ignoreCircuitOpen: false });
        expect(seen).toEqual(errors);
        expect(b.getMetrics()).toMatchObject({ state: 'open', failureCount: 2, ignoredCount: 0 });
      });
    });

    describe('deadline', () => {
      /** A GET with node:http, which sets no timers of its own (fetch's would be faked too). */
      const rawGet = (url: string) =>
        new Promise<{ status: number; body: string }>((resolve, reject) => {
          request(url, (res) => {
            let body = '';
            res.setEncoding('utf8').on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          })
            .on('error', reject)
            .end();
        });
      const settledTicks = () =>
        new Promise<void>((resolve) => setImmediate(() => setImmediate(() => setImmediate(resolve))));

      it('counts a request still unanswered at the deadline as a failure, once; its late answer changes nothing', async () => {
        const entered = deferred();
        const release = deferred();
        const { url } = await serve({
          routes: [
            route(
              '/hang',
              async (x) => {
                entered.resolve();
                await release.promise;
                x.send(200, 'late');
              },
              opts({ deadline: 1_000 }),
            ),
          ],
        });
        vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
        try {
          const answer = rawGet(`${url}/hang`);
          await entered.promise;
          const b = h.registry.get('GET /hang');
          vi.advanceTimersByTime(999);
          expect(b.getMetrics()).toMatchObject({ inFlight: 1, failureCount: 0 });
          const failed = nextEvent(b, 'failure');
          vi.advanceTimersByTime(1);
          const { error } = await failed;
          expect(isCallTimeoutError(error)).toBe(true);
          expect(error).toMatchObject({ breakerName: 'GET /hang', timeoutMs: 1_000 });
          expect(b.getMetrics()).toMatchObject({ inFlight: 0, failureCount: 1, successCount: 0 });
          release.resolve();
          expect(await answer).toEqual({ status: 200, body: 'late' });
          await settledTicks();
          expect(b.getMetrics()).toMatchObject({
            inFlight: 0,
            failureCount: 1,
            successCount: 0,
            ignoredCount: 0,
          });
        } finally {
          vi.useRealTimers();
        }
      });

      it('settles a request answered in time as usual, and clears its timer', async () => {
        const { url } = await serve({ routes: [route('/ok', answer(200, 'ok'), opts({ deadline: 1_000 }))] });
        vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
        try {
          expect(await rawGet(`${url}/ok`)).toEqual({ status: 200, body: 'ok' });
          await settledTicks();
          expect(h.registry.get('GET /ok').getMetrics()).toMatchObject({ successCount: 1, inFlight: 0 });
          expect(vi.getTimerCount()).toBe(0);
          vi.advanceTimersByTime(1_000);
          expect(h.registry.get('GET /ok').getMetrics()).toMatchObject({ successCount: 1, failureCount: 0 });
        } finally {
          vi.useRealTimers();
        }
      });
    });

    describe('rejection', () => {
      it('answers 503 with Retry-After from the clock and a JSON body, without calling the handler', async () => {
        let calls = 0;
        const { url } = await serve({
          routes: [
            route(
              '/x',
              (x) => {
                calls++;
                x.send(500);
              },
              opts({ failureThreshold: 1, resetTimeout: 30_000 }),
            ),
          ],
        });
        await get(`${url}/x`);
        h.clock.advance(10_500);
        const rejected = await get(`${url}/x`);
        expect(rejected.status).toBe(503);
        expect(rejected.headers.get('retry-after')).toBe('20');
        expect(rejected.headers.get('content-type')).toBe('application/json; charset=utf-8');
        expect(rejected.json()).toEqual({ error: 'circuit_open', breaker: 'GET /x', retryAfter: 20 });
        h.clock.advance(19_400); // 100 ms left: rounded up to the minimum of 1 s
        expect((await get(`${url}/x`)).headers.get('retry-after')).toBe('1');
        expect(calls).toBe(1);
      });

      it('omits Retry-After and sends retryAfter: null while forced open', async () => {
        h.registry.get('GET /x', { clock: h.clock }).forceOpen();
        const { url } = await serve({ routes: [route('/x', answer(200, 'never'))] });
        const rejected = await get(`${url}/x`);
        expect(rejected.status).toBe(503);
        expect(rejected.headers.has('retry-after')).toBe(false);
        expect(rejected.json()).toEqual({ error: 'circuit_open', breaker: 'GET /x', retryAfter: null });
      });

      it("hands the CircuitOpenError to the error handling with rejectWith: 'error', which answers 503 + Retry-After", async () => {
        h.registry.get('GET /x', { clock: h.clock, resetTimeout: 5_000 }).openFor(5_000);
        const server = await serve({
          routes: [route('/x', answer(200, 'never'), opts({ rejectWith: 'error' }))],
        });
        const rejected = await get(`${server.url}/x`);
        expect(rejected.status).toBe(503);
        expect(rejected.headers.get('retry-after')).toBe('5');
        expect(server.errors).toHaveLength(1);
        expect(isCircuitOpenError(server.errors[0])).toBe(true);
        expect(server.errors[0]).toMatchObject({
          breakerName: 'GET /x',
          status: 503,
          statusCode: 503,
          retryAfter: 5,
          headers: { 'Retry-After': '5' },
        });
      });

      for (const kind of ['synchronous', 'async'] as const) {
        it(`calls a ${kind} onReject instead of answering`, async () => {
          h.registry.get('GET /x', { clock: h.clock }).openFor(2_000);
          const seen: unknown[] = [];
          const onReject = (error: unknown, x: { send(status: number, body: string): void }) => {
            seen.push(error);
            x.send(429, 'busy');
          };
          const server = await serve({
            routes: [
              route(
                '/x',
                answer(200, 'never'),
                opts({
                  rejectWith: 'error',
                  onReject:
                    kind === 'async'
                      ? async (error, x) => {
                          await Promise.resolve();
                          onReject(error, x);
                        }
                      : onReject,
                }),
              ),
            ],
          });
          expect(await get(`${server.url}/x`)).toMatchObject({ status: 429, text: 'busy' });
          expect(seen).toHaveLength(1);
          expect(isCircuitOpenError(seen[0])).toBe(true);
          expect(server.errors).toEqual([]);
          expect(h.registry.get('GET /x').getMetrics()).toMatchObject({ rejectedCount: 1, inFlight: 0 });
        });
      }
    });

    it('lets exactly halfOpenMaxCalls of 20 concurrent requests through in half_open', async () => {
      const gate = deferred();
      const allDecided = deferred();
      let entered = 0;
      let rejected = 0;
      const decided = () => {
        if (entered + rejected === 20) allDecided.resolve();
      };
      const b = h.registry.get('GET /x', { clock: h.clock, resetTimeout: 1_000, halfOpenMaxCalls: 2 });
      const { url } = await serve({
        routes: [
          route('/x', async (x) => {
            entered++;
            decided();
            await gate.promise;
            x.send(200, 'ok');
          }),
        ],
      });
      b.openFor(1_000);
      h.clock.advance(1_000);
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
      expect(b.getMetrics()).toMatchObject({ state: 'closed', inFlight: 0 });
    });

    describe('health', () => {
      async function health(path: string): Promise<{ status: number; body: BreakerHealthBody }> {
        const server = await serve({
          health: {
            '/health': { registry: h.registry },
            '/strict': { registry: h.registry, failWhenOpen: true },
          },
        });
        const res = await fetch(`${server.url}${path}`);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        return { status: res.status, body: (await res.json()) as BreakerHealthBody };
      }

      it('reports UP with every breaker when none rejects calls (half_open included)', async () => {
        h.registry.get('GET /a', { clock: h.clock });
        h.registry.get('GET /b', { clock: h.clock, resetTimeout: 100 }).openFor(100);
        h.clock.advance(100);
        const { status, body } = await health('/strict');
        expect(status).toBe(200);
        expect(body.status).toBe('UP');
        expect(Object.keys(body.breakers)).toEqual(['GET /a', 'GET /b']);
        expect(body.breakers['GET /a']).toMatchObject({ name: 'GET /a', state: 'closed', failureCount: 0 });
        expect(body.breakers['GET /b']?.state).toBe('half_open');
      });

      it('reports DEGRADED while a breaker is open, with 200 unless failWhenOpen', async () => {
        h.registry
          .get('GET /b', { clock: h.clock, failureThreshold: 1 })
          .tryAcquire()
          ?.failure(new Error('down'));
        const relaxed = await health('/health');
        expect(relaxed.status).toBe(200);
        expect(relaxed.body.status).toBe('DEGRADED');
        expect(relaxed.body.breakers['GET /b']).toMatchObject({
          state: 'open',
          failureCount: 1,
          retryAfterMs: 60_000,
        });
        const strict = await health('/strict');
        expect(strict.status).toBe(503);
        expect(strict.body.status).toBe('DEGRADED');
      });

      it('reports DEGRADED while a breaker is forced open, with retryAfterMs null', async () => {
        h.registry.get('GET /a').forceOpen();
        const { status, body } = await health('/strict');
        expect(status).toBe(503);
        expect(body.breakers['GET /a']).toMatchObject({ state: 'forced_open', retryAfterMs: null });
      });

      it('reports UP with no breakers at all', async () => {
        expect(await health('/strict')).toEqual({ status: 200, body: { status: 'UP', breakers: {} } });
      });
    });
  });
}
