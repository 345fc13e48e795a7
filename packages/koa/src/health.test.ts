import { createRequire } from 'node:module';
import type { Router as RouterClass } from '@koa/router';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import type Koa from 'koa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BreakerHealthBody, breakerHealth } from './health.js';
import { listen, type TestServer } from './test-support.js';

const require = createRequire(import.meta.url);
const Router = require('@koa/router') as typeof RouterClass;

describe.each(['koa2', 'koa3'])('breakerHealth() on %s', (pkg) => {
  const KoaApp = require(pkg) as typeof Koa;
  let registry: BreakerRegistry;
  let server: TestServer;

  beforeEach(async () => {
    registry = new BreakerRegistry();
    const router = new Router();
    router.get('/health', breakerHealth({ registry }));
    router.get('/strict', breakerHealth({ registry, failWhenOpen: true }));
    const app = new KoaApp();
    app.use(router.routes());
    server = await listen(app.callback());
  });
  afterEach(() => server.close());

  async function health(path: string): Promise<{ status: number; body: BreakerHealthBody }> {
    const res = await fetch(`${server.url}${path}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: res.status, body: (await res.json()) as BreakerHealthBody };
  }

  it('reports UP with every breaker when none rejects calls', async () => {
    const clock = createTestClock();
    registry.get('GET /a', { clock });
    const halfOpen = registry.get('GET /b', { clock, resetTimeout: 100 });
    halfOpen.openFor(100);
    clock.advance(100);
    const { status, body } = await health('/strict');
    expect(status).toBe(200);
    expect(body.status).toBe('UP');
    expect(Object.keys(body.breakers)).toEqual(['GET /a', 'GET /b']);
    expect(body.breakers['GET /a']).toMatchObject({ name: 'GET /a', state: 'closed', failureCount: 0 });
    expect(body.breakers['GET /b']?.state).toBe('half_open');
  });

  it('reports DEGRADED while a breaker is open, with 200 unless failWhenOpen', async () => {
    const clock = createTestClock();
    registry.get('GET /a', { clock });
    registry.get('GET /b', { clock, failureThreshold: 1 }).tryAcquire()?.failure(new Error('down'));
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
    registry.get('GET /a').forceOpen();
    const { status, body } = await health('/strict');
    expect(status).toBe(503);
    expect(body.status).toBe('DEGRADED');
    expect(body.breakers['GET /a']).toMatchObject({ state: 'forced_open', retryAfterMs: null });
  });

  it('reports UP with no breakers at all', async () => {
    expect(await health('/strict')).toEqual({ status: 200, body: { status: 'UP', breakers: {} } });
  });
});
