import { createRequire } from 'node:module';
import type { Router as RouterClass } from '@koa/router';
import { useServerHarness } from '@tripswitch/testkit/server-harness';
import type Koa from 'koa';
import { beforeEach, describe, expect, it } from 'vitest';
import { breaker } from './middleware.js';
import { listen, recordErrors, type TestServer } from './test-support.js';

// What every server adapter does is in the testkit's suites (server-suite.test.ts, options.test.ts);
// these are Koa's own.
const require = createRequire(import.meta.url);
const Router = require('@koa/router') as typeof RouterClass;

describe.each(['koa2', 'koa3'])('breaker() on %s', (pkg) => {
  const KoaApp = require(pkg) as typeof Koa;
  const h = useServerHarness<TestServer>();
  /** Errors seen by an outer error-handling middleware (which rethrows them to Koa). */
  const caught: unknown[] = [];
  beforeEach(() => {
    caught.length = 0;
  });

  /** A Koa app with an outer middleware that records thrown errors, then the router. */
  async function serve(router: RouterClass, before?: Koa.Middleware): Promise<string> {
    const app = new KoaApp();
    app.silent = true;
    app.use(recordErrors(caught));
    if (before !== undefined) app.use(before);
    app.use(router.routes());
    return h.started(await listen(app.callback())).url;
  }

  it('throws a TypeError when there is neither a route nor a name', async () => {
    const url = await serve(new Router(), breaker({ registry: h.registry }));
    expect((await fetch(`${url}/anything`)).status).toBe(500);
    expect(caught[0]).toBeInstanceOf(TypeError);
    // It says why, and what to do: app.use(breaker()) outside a router has no route to name the breaker.
    expect((caught[0] as Error).message).toBe(
      'breaker() without a name must be used on a @koa/router route (router.get(path, breaker(), handler)); ' +
        'on GET /anything no route matched, as with app.use(breaker()): pass { name } to share one breaker',
    );
    expect(h.registry.size).toBe(0);
  });

  it("exposes the rejection's message through Koa's error handling with rejectWith: 'error'", async () => {
    h.registry.get('GET /x', { clock: h.clock }).openFor(5_000);
    const router = new Router();
    router.get('/x', breaker({ registry: h.registry, rejectWith: 'error' }), (ctx) => {
      ctx.body = 'never';
    });
    const url = await serve(router);
    const rejected = await fetch(`${url}/x`);
    expect(rejected.status).toBe(503);
    expect(await rejected.text()).toBe('circuit breaker "GET /x" is open');
    expect(caught[0]).toMatchObject({ expose: true });
  });
});
