import { createRequire } from 'node:module';
import type { Router as RouterClass } from '@koa/router';
import { BreakerRegistry } from '@tripswitch/core';
import { openEventStream } from '@tripswitch/testkit';
import type Koa from 'koa';
import { afterEach, describe, expect, it } from 'vitest';
import { breakerStatusPage } from './status-page.js';
import { listen, type TestServer } from './test-support.js';

const require = createRequire(import.meta.url);
const Router = require('@koa/router') as typeof RouterClass;

describe.each(['koa2', 'koa3'])('breakerStatusPage() on %s', (pkg) => {
  const KoaApp = require(pkg) as typeof Koa;
  let server: TestServer | undefined;
  afterEach(() => server?.close());

  it('serves the page, its stream and its JSON under its base path, and passes other requests on', async () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    registry.get('GET /users/:id').forceOpen();
    const router = new Router();
    router.get('/ops/other', (ctx) => {
      ctx.body = 'app';
    });
    const page = breakerStatusPage({ registry, basePath: '/ops/breakers' });
    const app = new KoaApp();
    app.use(page).use(router.routes());
    server = await listen(app.callback());
    const html = await fetch(`${server.url}/ops/breakers/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-/);
    expect(await html.text()).toContain('<title>breakers · tripswitch</title>');
    expect(await (await fetch(`${server.url}/ops/other`)).text()).toBe('app');
    const snapshot = (await (await fetch(`${server.url}/ops/breakers/snapshot.json`)).json()) as {
      breakers: { name: string; state: string }[];
    };
    expect(snapshot.breakers).toMatchObject([{ name: 'GET /users/:id', state: 'forced_open' }]);
    const stream = await openEventStream(`${server.url}/ops/breakers/stream`);
    expect((await stream.next('init')).data).toMatchObject({
      token: null,
      breakers: [{ state: 'forced_open' }],
    });
    expect(page.clients).toBe(1);
    page.closeStreams();
    await expect(stream.next('tick')).rejects.toThrow(/ended/);
  });

  it('gives authorize() the Koa context; an authorized page can force a breaker open', async () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    const payments = registry.get('payments');
    const app = new KoaApp();
    app.use(async (ctx, next) => {
      ctx.state.role = ctx.get('x-role');
      await next();
    });
    app.use(breakerStatusPage({ registry, authorize: (ctx) => ctx.state.role === 'ops' }));
    server = await listen(app.callback());
    const stream = await openEventStream(`${server.url}/breakers/stream`, { headers: { 'x-role': 'ops' } });
    const { token } = (await stream.next('init')).data as { token: string };
    stream.close();
    const act = (role: string) =>
      fetch(`${server?.url}/breakers/action?breaker=payments&action=force_open`, {
        method: 'POST',
        headers: { 'x-role': role, 'x-tripswitch-token': token, 'sec-fetch-site': 'same-origin' },
      });
    expect((await act('guest')).status).toBe(403);
    expect(payments.state).toBe('closed');
    expect((await act('ops')).status).toBe(200);
    expect(payments.state).toBe('forced_open');
  });
});
