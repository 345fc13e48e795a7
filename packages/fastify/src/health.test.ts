import { createRequire } from 'node:module';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type BreakerHealthBody, breakerHealth } from './health.js';

const require = createRequire(import.meta.url);
type FastifyFactory = typeof import('fastify').default;

describe.each(['fastify4', 'fastify5'])('breakerHealth() on %s', (pkg) => {
  const Fastify = require(pkg) as FastifyFactory;
  let registry: BreakerRegistry;
  let app: FastifyInstance;
  let url: string;

  beforeEach(async () => {
    registry = new BreakerRegistry();
    app = Fastify({ forceCloseConnections: true });
    app.get('/health', breakerHealth({ registry }));
    app.get('/strict', breakerHealth({ registry, failWhenOpen: true }));
    await app.listen({ port: 0, host: '127.0.0.1' });
    url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
  });
  afterEach(() => app.close());

  async function health(path: string): Promise<{ status: number; body: BreakerHealthBody }> {
    const res = await fetch(`${url}${path}`);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    return { status: res.status, body: (await res.json()) as BreakerHealthBody };
  }

  it('reports UP with every breaker when none rejects calls (half_open included)', async () => {
    const clock = createTestClock();
    registry.get('GET /a', { clock });
    const halfOpen = registry.get('GET /b', { clock, resetTimeout: 100 });
    halfOpen.openFor(100);
    clock.advance(100);
    const { status, body } = await health('/strict');
    expect(status).toBe(200);
    expect(body.status).toBe('UP');
    expect(Object.keys(body.breakers)).toEqual(['GET /a', 'GET /b']);
    expect(body.breakers['GET /b']?.state).toBe('half_open');
  });

  it('reports DEGRADED while a breaker is open, with 200 unless failWhenOpen', async () => {
    registry.get('GET /a', { failureThreshold: 1 }).tryAcquire()?.failure(new Error('down'));
    const relaxed = await health('/health');
    expect(relaxed.status).toBe(200);
    expect(relaxed.body.status).toBe('DEGRADED');
    expect(relaxed.body.breakers['GET /a']).toMatchObject({ state: 'open', failureCount: 1 });
    const strict = await health('/strict');
    expect(strict.status).toBe(503);
    expect(strict.body.status).toBe('DEGRADED');
  });

  it('reports DEGRADED while a breaker is forced open, with retryAfterMs null', async () => {
    registry.get('GET /a').forceOpen();
    const { status, body } = await health('/strict');
    expect(status).toBe(503);
    expect(body.breakers['GET /a']).toMatchObject({ state: 'forced_open', retryAfterMs: null });
  });

  it('rejects bad options at creation and returns a named handler', () => {
    expect(() => breakerHealth({ failWhenOpen: 'yes' } as never)).toThrow(
      new TypeError('failWhenOpen must be a boolean, got "yes"'),
    );
    expect(() => breakerHealth({ registry: 42 } as never)).toThrow(TypeError);
    expect(() => breakerHealth({ fialWhenOpen: true } as never)).toThrow(
      new TypeError('unknown option "fialWhenOpen" (did you mean "failWhenOpen"?)'),
    );
    expect(breakerHealth().name).toBe('tripswitchHealth');
  });
});
