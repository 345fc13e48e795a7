/**
 * The factories the options fuzz attacks, each with the valid values of its options and an exercise that
 * uses what it built the way an app would (calls, requests, a trip, a restart from toJSON), so an option
 * that was accepted but breaks later shows up. Every exercise runs on 127.0.0.1 with real servers and
 * clients; each returns what it saw, and throws on anything a working breaker must not do.
 */
import { createRequire } from 'node:module';
import { withBreaker } from '@tripswitch/axios';
import {
  BreakerRegistry,
  CircuitBreaker,
  createTestClock,
  isCallTimeoutError,
  isCircuitOpenError,
  retry,
} from '@tripswitch/core';
import { breaker as expressBreaker } from '@tripswitch/express';
import { tripswitch } from '@tripswitch/fastify';
import { breaker as koaBreaker } from '@tripswitch/koa';
import { coordinate } from '@tripswitch/redis';
import { listen, type TestServer } from '@tripswitch/testkit';
import axios from 'axios';
import type { NextFunction, Request, Response } from 'express';
import type { FastifyInstance } from 'fastify';
import type { Redis } from 'ioredis';
import type Koa from 'koa';
import { HookError, type ValidValues } from './option-values.js';

const require = createRequire(import.meta.url);

/** What a fuzzed call throws; execute() must re-throw it unchanged. */
export class CallFailure extends Error {}

/** Something a working breaker must not do, found after construction succeeded. */
export class LaterFailure extends Error {}

/** A factory under attack: `build` throws for bad options; `exercise` uses what it built. */
export interface FuzzTarget {
  readonly name: string;
  readonly valid: ValidValues;
  /** Constructs from `options`; throws (synchronously or as a rejection) for bad ones. */
  build(options: unknown): unknown;
  /** Uses what `build` returned; throws a LaterFailure (or anything) when it misbehaves. */
  exercise(built: unknown): Promise<void>;
  /** Frees what `build` made when `exercise` did not run or failed. */
  dispose?(built: unknown): Promise<void>;
  /** Run timers at once (retry's delays may be days long; the fuzz still sees what was asked for). */
  readonly compressTimers?: boolean;
}

const fn = <T>(value: T) => [() => value];
const hooks = (...results: unknown[]) =>
  results.map((r) =>
    r === 'throws'
      ? () => () => {
          throw new HookError();
        }
      : () => () => r,
  );

/** Valid values of the core breaker options. */
export const CORE_VALID: ValidValues = {
  name: [() => 'fuzzed'],
  failureThreshold: [() => 1, () => 3],
  resetTimeout: [() => 0, () => 10, () => 60_000],
  halfOpenMaxCalls: [() => 1, () => 2],
  window: [
    () => ({ type: 'count', size: 4 }),
    () => ({ type: 'count', size: 1 }),
    () => ({ type: 'time', duration: 1000 }),
    () => ({ type: 'time', duration: 100, buckets: 4 }),
  ],
  failureRateThreshold: [() => 0, () => 50, () => 100],
  minimumCalls: [() => 1, () => 2],
  slowCallDuration: [() => 1, () => 100],
  slowCallRateThreshold: [() => 0, () => 100],
  timeout: [() => 50, () => 2 ** 31 - 1],
  isFailure: hooks(true, false, 'throws'),
  ignore: [() => [TypeError], () => [], ...hooks(false, 'throws')],
  isResultFailure: hooks(false, true, 'throws'),
  fallback: hooks('fallback'),
  clock: [() => createTestClock()],
  initialState: [
    () => new CircuitBreaker({ telemetry: { enabled: false } }).toJSON(),
    () => {
      const b = new CircuitBreaker({ failureThreshold: 1, telemetry: { enabled: false } });
      b.openFor(1000);
      return b.toJSON();
    },
  ],
  onListenerError: hooks(undefined, 'throws'),
  rejectionStackTraces: [() => true, () => false],
  telemetry: [() => ({ enabled: false }), () => ({}), () => ({ rejectionSpans: 'all' })],
  traceCalls: [() => true, () => false],
};

const { fallback: _f, ignore: _i, isResultFailure: _r, timeout: _t, ...SERVER_CORE } = CORE_VALID;

/** Calls through `b` until it trips (or 20 calls), then restarts it from toJSON(): what an app does. */
async function useBreaker(b: CircuitBreaker<unknown>, options: object): Promise<void> {
  for (let i = 0; i < 20; i++) {
    try {
      await b.execute(() => (i % 4 === 0 ? 'ok' : Promise.reject(new CallFailure('boom'))));
    } catch (error) {
      if (!(error instanceof CallFailure) && !isCircuitOpenError(error) && !isCallTimeoutError(error)) {
        throw new LaterFailure(`execute() threw ${describeError(error)}`);
      }
    }
  }
  const m = b.getMetrics();
  if (m.inFlight !== 0) throw new LaterFailure(`inFlight ${m.inFlight} after every call settled`);
  const json = JSON.parse(JSON.stringify(b.toJSON()));
  try {
    new CircuitBreaker({ ...options, initialState: json });
  } catch (error) {
    throw new LaterFailure(`its own toJSON() does not restore: ${describeError(error)}`);
  }
}

/** `Name: message` of a thrown value, short enough for a failure message. */
export function describeError(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message.slice(0, 160)}` : String(error);
}

export const breakerTarget: FuzzTarget = {
  name: 'CircuitBreaker',
  valid: CORE_VALID,
  build: (options) => ({ breaker: new CircuitBreaker(options as never), options }),
  exercise(built) {
    const { breaker, options } = built as { breaker: CircuitBreaker<unknown>; options: object };
    return useBreaker(breaker, { ...options });
  },
};

export const registryTarget: FuzzTarget = {
  name: 'BreakerRegistry',
  valid: { maxBreakers: [() => 1, () => 3, () => 10_000], telemetry: [() => ({ enabled: false })] },
  build: (options) => new BreakerRegistry(options as never),
  async exercise(built) {
    const registry = built as BreakerRegistry;
    for (let i = 0; i < 5; i++) {
      const b = registry.get(`b${i}`, { failureThreshold: 1 });
      await b.execute(() => 'ok');
      await b.execute(() => Promise.reject(new CallFailure())).catch(() => {});
    }
    JSON.stringify(registry.snapshot());
    if (registry.all().length === 0)
      throw new LaterFailure('the registry holds no breaker after five get()s');
  },
};

export const retryTarget: FuzzTarget = {
  name: 'retry',
  valid: {
    maxRetries: [() => 0, () => 1, () => 3],
    initialDelay: [() => 0, () => 1, () => 100],
    backoffFactor: [() => 1, () => 2],
    maxDelay: [() => 0, () => 10, () => 30_000],
    jitter: [() => 'full', () => 'equal', () => 'none'],
    shouldRetry: hooks(true, false),
    signal: [() => new AbortController().signal, () => AbortSignal.abort(new CallFailure('aborted'))],
  },
  compressTimers: true,
  build(options) {
    let attempts = 0;
    const run = () => (++attempts < 3 ? Promise.reject(new CallFailure(`attempt ${attempts}`)) : 'done');
    // Wrapped: build's result is awaited, and this promise is the exercise's to await.
    return { attempts: retry(run, options as never) };
  },
  async exercise(built) {
    try {
      const value = await (built as { attempts: Promise<unknown> }).attempts;
      if (value !== 'done') throw new LaterFailure(`retry() resolved ${String(value)}`);
    } catch (error) {
      // A shouldRetry that throws ends the attempts with its error: the caller's own throw.
      if (!(error instanceof CallFailure) && !(error instanceof HookError)) {
        throw new LaterFailure(`retry() rejected with ${describeError(error)}`);
      }
    }
  },
};

// ---------------------------------------------------------------------------------------------------
// HTTP: one app per framework, whose route runs the middleware of the current case.

/** A server whose `/r` route goes through the case's middleware; `?s=` is the status its handler answers. */
export interface CaseServer<M> {
  readonly server: TestServer;
  use(middleware: M | undefined): void;
}

const HTTP_STATUSES = new Set([200, 500, 503]);

async function requestSome(url: string): Promise<void> {
  for (const s of [500, 500, 500, 200, 200]) {
    const res = await fetch(`${url}/r?s=${s}`, { signal: AbortSignal.timeout(5_000) });
    await res.arrayBuffer();
    if (!HTTP_STATUSES.has(res.status)) throw new LaterFailure(`GET /r?s=${s} answered ${res.status}`);
  }
}

const HTTP_VALID = (core: ValidValues, onReject: () => unknown): ValidValues => ({
  ...core,
  name: [() => 'route'],
  registry: [() => new BreakerRegistry()],
  onReject: [onReject],
  rejectWith: [() => 'response', () => 'error'],
  fallback: fn(() => 'refused'),
  timeout: fn(50),
});

export async function startExpressCases(): Promise<CaseServer<ReturnType<typeof expressBreaker>>> {
  const express = require('express5') as typeof import('express');
  const app = express();
  let current: ReturnType<typeof expressBreaker> | undefined;
  app.get(
    '/r',
    (req, res, next) => (current === undefined ? next() : current(req, res, next)),
    (req: Request, res: Response) => {
      res.status(Number(req.query.s)).send('x');
    },
  );
  app.use((error: { status?: number }, _req: Request, res: Response, _next: NextFunction) => {
    res.status(error.status ?? 500).end();
  });
  const server = await listen(app);
  return { server, use: (m) => (current = m) };
}

export function expressTarget(cases: CaseServer<ReturnType<typeof expressBreaker>>): FuzzTarget {
  return {
    name: 'express breaker()',
    valid: HTTP_VALID(SERVER_CORE, () => (_req: Request, res: Response) => res.status(503).end()),
    build: (options) => expressBreaker(options as never),
    async exercise(built) {
      cases.use(built as ReturnType<typeof expressBreaker>);
      await requestSome(cases.server.url);
    },
  };
}

export async function startKoaCases(): Promise<CaseServer<Koa.Middleware>> {
  const KoaApp = require('koa3') as typeof Koa;
  const app = new KoaApp();
  app.silent = true;
  let current: Koa.Middleware | undefined;
  app.use(async (ctx, next) => {
    try {
      await next();
    } catch (error) {
      ctx.status = (error as { status?: number }).status ?? 500;
    }
  });
  app.use((ctx, next) => (current === undefined ? next() : current(ctx, next)));
  app.use((ctx) => {
    ctx.status = Number(new URL(ctx.url, 'http://x').searchParams.get('s'));
    ctx.body = 'x';
  });
  const server = await listen(app.callback());
  return { server, use: (m) => (current = m) };
}

export function koaTarget(cases: CaseServer<Koa.Middleware>): FuzzTarget {
  return {
    name: 'koa breaker()',
    // Koa names a breaker from the router's route; outside a router it needs a name.
    valid: {
      ...HTTP_VALID(SERVER_CORE, () => (ctx: Koa.Context) => {
        ctx.status = 503;
      }),
      name: [() => 'route'],
    },
    build: (options) => koaBreaker(options as never),
    async exercise(built) {
      cases.use(built as Koa.Middleware);
      await requestSome(cases.server.url);
    },
  };
}

export const fastifyTarget: FuzzTarget = {
  name: 'fastify tripswitch',
  valid: {
    ...HTTP_VALID(SERVER_CORE, () => (_request: unknown, reply: { code(n: number): { send(): void } }) => {
      reply.code(503).send();
    }),
    allRoutes: [() => true, () => false],
  },
  async build(options) {
    const fastify = require('fastify') as typeof import('fastify').default;
    const app = fastify();
    try {
      await app.register(tripswitch, options as never);
      app.get('/r', { config: { breaker: true } }, async (request, reply) => {
        reply.code(Number((request.query as { s?: string }).s));
        return 'x';
      });
      await app.listen({ port: 0, host: '127.0.0.1' });
    } catch (error) {
      await app.close();
      throw error;
    }
    return app;
  },
  async exercise(built) {
    const app = built as FastifyInstance;
    const address = app.server.address();
    if (address === null || typeof address === 'string') throw new Error('fastify did not listen on TCP');
    await requestSome(`http://127.0.0.1:${address.port}`);
  },
  dispose: (built) => (built as FastifyInstance).close(),
};

/** A local upstream for the Axios cases: `/u?s=` answers that status (503 with a Retry-After). */
export async function startUpstream(): Promise<TestServer> {
  return listen((req, res) => {
    const s = Number(new URL(req.url ?? '/', 'http://x').searchParams.get('s') ?? 200);
    res.writeHead(s, s === 503 ? { 'retry-after': '1' } : {});
    res.end('x');
  });
}

export function axiosTarget(upstream: TestServer): FuzzTarget {
  return {
    name: 'axios withBreaker()',
    valid: {
      ...CORE_VALID,
      key: [() => () => 'k', () => () => 42, () => () => '', () => () => undefined],
      registry: [() => new BreakerRegistry()],
      isFailure: hooks(true, false, 'throws'),
      fallback: [() => () => ({ status: 299, data: 'fallback' })],
      respectRetryAfter: [() => true, () => false],
      maxRetryAfter: [() => 1, () => 600_000],
      name: [() => 'refused'],
      timeout: [() => 50],
    },
    build(options) {
      const http = axios.create({ baseURL: upstream.url, timeout: 2_000 });
      withBreaker(http, options as never);
      return http;
    },
    async exercise(built) {
      const http = built as ReturnType<typeof axios.create>;
      for (const s of [503, 500, 500, 200, 200]) {
        try {
          await http.get(`/u?s=${s}`);
        } catch (error) {
          const status = (error as { response?: { status?: number } }).response?.status;
          // Documented: a key() that does not return a non-empty string rejects the request, sending nothing.
          const badKey = error instanceof TypeError && error.message.startsWith('key(config) must return');
          if (!isCircuitOpenError(error) && status !== 500 && status !== 503 && !badKey) {
            throw new LaterFailure(`GET /u?s=${s} threw ${describeError(error)}`);
          }
        }
      }
    },
  };
}

/** coordinate() against a real redis-server; each accepted case trips a breaker and stops again. */
export function redisTarget(client: () => Redis): FuzzTarget {
  return {
    name: 'redis coordinate()',
    valid: {
      redis: [client],
      channel: [() => `fuzz-${Math.random().toString(36).slice(2)}`],
      keyPrefix: [() => 'fuzz:', () => ''],
      instanceId: [() => 'replica-a'],
      maxRemoteOpen: [() => 1000],
      trialLease: [() => 1000, () => 1],
      createOnRemote: [() => true, () => false],
      commandTimeout: [() => 500, () => 2 ** 31 - 1],
      meterProvider: [() => undefined],
    },
    async build(options) {
      const registry = new BreakerRegistry();
      const given = options as Record<string, unknown> | undefined;
      // The redis client is the one option that cannot be fuzzed away without testing nothing else.
      const withClient =
        typeof given === 'object' && given !== null && !('redis' in given)
          ? { ...given, redis: client() }
          : given;
      const stop = await coordinate(registry, withClient as never);
      return { stop, registry };
    },
    async exercise(built) {
      const { stop, registry } = built as { stop: () => Promise<void>; registry: BreakerRegistry };
      try {
        const b = registry.get('payments', { failureThreshold: 1, resetTimeout: 10 });
        await b.execute(() => Promise.reject(new CallFailure())).catch(() => {});
        if (b.state !== 'open') throw new LaterFailure(`a tripped coordinated breaker is ${b.state}`);
      } finally {
        await stop();
      }
    },
    dispose: (built) => (built as { stop: () => Promise<void> }).stop(),
  };
}
