import { createRequire } from 'node:module';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import type { ErrorRequestHandler } from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { breaker } from './middleware.js';
import { listen, type TestServer } from './test-support.js';

// What every server adapter does is in the testkit's server suite (server-suite.test.ts); these are Express's own.
const require = createRequire(import.meta.url);
type ExpressModule = typeof import('express');
const versions: Array<[string, number]> = [
  ['express4', 4],
  ['express5', 5],
];

describe.each(versions)('breaker() on %s', (pkg, major) => {
  const express = require(pkg) as ExpressModule;
  let registry: BreakerRegistry;
  let servers: TestServer[];
  const errors: unknown[] = [];
  const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
    errors.push(error);
    res.status(500).json({ message: (error as Error).message });
  };

  beforeEach(() => {
    registry = new BreakerRegistry();
    servers = [];
    errors.length = 0;
  });
  afterEach(async () => {
    await Promise.all(servers.map((s) => s.close()));
  });
  async function serve(app: ReturnType<ExpressModule>): Promise<string> {
    const server = await listen(app);
    servers.push(server);
    return server.url;
  }

  it(`runs on Express ${major}`, () => {
    expect((require(`${pkg}/package.json`) as { version: string }).version.split('.')[0]).toBe(String(major));
  });

  it('passes a TypeError to next when there is neither a route nor a name', async () => {
    const app = express();
    app.use(breaker({ registry }));
    app.use(errorHandler);
    const url = await serve(app);
    expect((await fetch(`${url}/anything`)).status).toBe(500);
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(registry.size).toBe(0);
  });

  it('returns a named function', () => {
    expect(breaker({ registry }).name).toBe('tripswitchBreaker');
  });

  it('keeps 404 for other methods and the OPTIONS answer of a route after capturing an error', async () => {
    const app = express();
    app.get('/x', breaker({ registry, clock: createTestClock() }), (_req, _res, next) =>
      next(new Error('x')),
    );
    app.use(errorHandler);
    const url = await serve(app);
    await fetch(`${url}/x`);
    expect((await fetch(`${url}/x`, { method: 'POST' })).status).toBe(404);
    const options = await fetch(`${url}/x`, { method: 'OPTIONS' });
    expect(options.status).toBe(200);
    expect(options.headers.get('allow')?.replace(/\s/g, '')).toBe('GET,HEAD');
  });
});
