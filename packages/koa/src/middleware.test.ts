import { createRequire } from 'node:module';
import type { Router as RouterClass } from '@koa/router';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import type Koa from 'koa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { breaker } from './middleware.js';
import { listen, type TestServer } from './test-support.js';

// What every server adapter does is in the testkit's server suite (server-suite.test.ts); these are Koa's own.
const require = createRequire(import.meta.url);
const Router = require('@koa/router') as typeof RouterClass;
const versions: Array<[string, number]> = [
  ['koa2', 2],
  ['koa3', 3],
];

describe.each(versions)('breaker() on %s', (pkg, major) => {
  const KoaApp = require(pkg) as typeof Koa;
  let registry: BreakerRegistry;
  let servers: TestServer[];
  /** Errors seen by an outer error-handling middleware (which rethrows them to Koa). */
  let caught: unknown[];

  beforeEach(() => {
    registry = new BreakerRegistry();
    servers = [];
    caught = [];
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
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

  it('throws a TypeError when there is neither a route nor a name', async () => {
    const url = await serve(new Router(), breaker({ registry }));
    expect((await fetch(`${url}/anything`)).status).toBe(500);
    expect(caught[0]).toBeInstanceOf(TypeError);
    // It says why, and what to do: app.use(breaker()) outside a router has no route to name the breaker.
    expect((caught[0] as Error).message).toBe(
      'breaker() without a name must be used on a @koa/router route (router.get(path, breaker(), handler)); ' +
        'on GET /anything no route matched, as with app.use(breaker()): pass { name } to share one breaker',
    );
    expect(registry.size).toBe(0);
  });

  it('returns a named function', () => {
    expect(breaker({ registry }).name).toBe('tripswitchBreaker');
  });

  it("exposes the rejection's message through Koa's error handling with rejectWith: 'error'", async () => {
    registry.get('GET /x', { clock: createTestClock() }).openFor(5_000);
    const router = new Router();
    router.get('/x', breaker({ registry, rejectWith: 'error' }), (ctx) => {
      ctx.body = 'never';
    });
    const url = await serve(router);
    const rejected = await fetch(`${url}/x`);
    expect(rejected.status).toBe(503);
    expect(await rejected.text()).toBe('circuit breaker "GET /x" is open');
    expect(caught[0]).toMatchObject({ expose: true });
  });
});
