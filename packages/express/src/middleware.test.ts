import { createRequire } from 'node:module';
import { useServerHarness } from '@tripswitch/testkit/server-harness';
import type { ErrorRequestHandler } from 'express';
import { beforeEach, describe, expect, it } from 'vitest';
import { breaker } from './middleware.js';
import { listen, type TestServer } from './test-support.js';

// What every server adapter does is in the testkit's suites (server-suite.test.ts, options.test.ts);
// these are Express's own.
const require = createRequire(import.meta.url);
type ExpressModule = typeof import('express');

describe.each(['express4', 'express5'])('breaker() on %s', (pkg) => {
  const express = require(pkg) as ExpressModule;
  const h = useServerHarness<TestServer>();
  const errors: unknown[] = [];
  const errorHandler: ErrorRequestHandler = (error, _req, res, _next) => {
    errors.push(error);
    res.status(500).json({ message: (error as Error).message });
  };
  beforeEach(() => {
    errors.length = 0;
  });
  const serve = async (app: ReturnType<ExpressModule>) => h.started(await listen(app)).url;

  it('passes a TypeError to next when there is neither a route nor a name', async () => {
    const app = express();
    app.use(breaker({ registry: h.registry }));
    app.use(errorHandler);
    const url = await serve(app);
    expect((await fetch(`${url}/anything`)).status).toBe(500);
    expect(errors[0]).toBeInstanceOf(TypeError);
    expect(h.registry.size).toBe(0);
  });

  it('keeps 404 for other methods and the OPTIONS answer of a route after capturing an error', async () => {
    const app = express();
    app.get('/x', breaker({ registry: h.registry, clock: h.clock }), (_req, _res, next) =>
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
