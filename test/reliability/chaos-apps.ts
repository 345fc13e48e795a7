import type { ServerResponse } from 'node:http';
import { createRequire } from 'node:module';
import type { Router as RouterClass } from '@koa/router';
import { withBreaker } from '@tripswitch/axios';
import {
  type BreakerRegistry,
  CircuitBreaker,
  type Clock,
  isCircuitOpenError,
  type TestClock,
} from '@tripswitch/core';
import { breaker as expressBreaker } from '@tripswitch/express';
import { breaker as koaBreaker } from '@tripswitch/koa';
import { listen, type TestServer } from '@tripswitch/testkit';
import axios, { type AxiosInstance } from 'axios';
import type { NextFunction, Request, Response } from 'express';
import type Koa from 'koa';
import { faultQuery, type UpstreamFault } from './chaos-upstream.js';

const require = createRequire(import.meta.url);

/**
 * What a route handler of the app under test does, chosen by the request (`?a=`), so a seeded run makes
 * the same requests whatever order they arrive in.
 */
export type ServerAction =
  | 'ok'
  /** answers after `d` ms */
  | 'slow'
  | '500'
  /** throws (Express: synchronously, turned into next(err); Koa: from the middleware chain) */
  | 'throw'
  /** never answers */
  | 'hang'
  /** destroys the socket without answering */
  | 'destroy'
  /** sends the headers and part of the body, then destroys the socket after `d` ms */
  | 'half'
  /** a naive long poll: waits for the response's 'close', never answers */
  | 'wait-close'
  /** calls the chaos upstream through Axios with a breaker (`f`, `d`, `ra` are passed on) */
  | 'proxy'
  /** runs `d` ms of work through a core breaker's execute() whose clock sometimes throws */
  | 'work';

/** What the app under test is made of; the chaos test inspects every breaker in it at the end. */
export interface ChaosDeps {
  /** The route breakers. */
  readonly registry: BreakerRegistry;
  /** The upstream breakers of the Axios client the routes call. */
  readonly upstreamRegistry: BreakerRegistry;
  /** Every breaker's clock. */
  readonly clock: TestClock;
  readonly upstreamOrigin: string;
  /** The core breaker behind the `work` action. */
  readonly work: CircuitBreaker;
  /** The work breaker's clock (over `clock`, failing now and then). */
  readonly workClock: FlakyClock;
}

/** Options every route and upstream breaker gets: they trip after a few failures and cycle quickly. */
export const BREAKER_OPTIONS = { failureThreshold: 3, resetTimeout: 1_000, halfOpenMaxCalls: 2 } as const;

/** A clock that can be told to stop failing, so the checks after a run can read it. */
export interface FlakyClock extends Clock {
  calm(): void;
}

/** A clock over `base` whose every `every`-th reading throws (a user clock gone wrong: issue 18 item 2). */
export function flakyClock(base: Clock, every: number): FlakyClock {
  let reads = 0;
  let calm = false;
  return {
    now() {
      if (!calm && ++reads % every === 0) throw new Error(`clock read ${reads} failed`);
      return base.now();
    },
    calm() {
      calm = true;
    },
  };
}

/** The breaker behind the `work` action: a slow-call rule, so the clock is read when each call settles. */
export function workBreaker(clock: FlakyClock): CircuitBreaker {
  return new CircuitBreaker({
    name: 'work',
    clock,
    window: { type: 'count', size: 20 },
    slowCallDuration: 50,
    resetTimeout: BREAKER_OPTIONS.resetTimeout,
    // Listener and hook errors are expected here; keep them off stderr.
    onListenerError: () => {},
  });
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function upstreamClient(deps: ChaosDeps): AxiosInstance {
  const http = axios.create({ baseURL: deps.upstreamOrigin, timeout: 150 });
  withBreaker(http, { registry: deps.upstreamRegistry, clock: deps.clock, ...BREAKER_OPTIONS });
  return http;
}

/** Calls the upstream with the fault in `q`; the status the route answers with. */
async function proxy(http: AxiosInstance, q: URLSearchParams, signal: AbortSignal): Promise<number> {
  const fault = (q.get('f') ?? 'ok') as UpstreamFault;
  try {
    await http.get(`/u?${faultQuery(fault, Number(q.get('d') ?? 0), Number(q.get('ra') ?? 0))}`, { signal });
    return 200;
  } catch (error) {
    return isCircuitOpenError(error) ? 503 : 502;
  }
}

async function work(deps: ChaosDeps, ms: number): Promise<number> {
  try {
    await deps.work.execute(() => sleep(ms));
    return 200;
  } catch (error) {
    return isCircuitOpenError(error) ? 503 : 500;
  }
}

/** An AbortSignal that aborts when the client leaves before the response is finished. */
function clientGone(res: ServerResponse): AbortSignal {
  const ac = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) ac.abort();
  });
  return ac.signal;
}

function halfAnswer(res: ServerResponse, ms: number): void {
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
  res.write('{"partial":"');
  setTimeout(() => res.socket?.destroy(), ms);
}

/** The app under test, started on 127.0.0.1. */
export interface ChaosApp {
  readonly server: TestServer;
  close(): Promise<void>;
}

/** Starts the Express app (`express4` or `express5`): `/direct/:id`, and `/gated/:id` behind an async middleware. */
export async function startExpressApp(pkg: 'express4' | 'express5', deps: ChaosDeps): Promise<ChaosApp> {
  const express = require(pkg) as typeof import('express');
  const app = express();
  const http = upstreamClient(deps);
  const handle = (req: Request, res: Response, next: NextFunction): void => {
    const q = new URL(req.url, 'http://app').searchParams;
    const d = Number(q.get('d') ?? 0);
    const reply = (status: number) => {
      if (!res.destroyed) res.status(status).json({ status });
    };
    switch (q.get('a') as ServerAction) {
      case 'ok':
        reply(200);
        return;
      case 'slow':
        setTimeout(() => reply(200), d);
        return;
      case '500':
        reply(500);
        return;
      case 'throw':
        throw new Error('handler failed');
      case 'hang':
        return;
      case 'destroy':
        req.socket.destroy();
        return;
      case 'half':
        halfAnswer(res, d);
        return;
      case 'wait-close':
        res.once('close', () => {});
        return;
      case 'proxy':
        proxy(http, q, clientGone(res)).then(reply, next);
        return;
      case 'work':
        work(deps, d).then(reply, next);
        return;
      default:
        reply(400);
        return;
    }
  };
  const options = { registry: deps.registry, clock: deps.clock, ...BREAKER_OPTIONS };
  app.get('/direct/:id', expressBreaker(options), handle);
  // An async middleware before the route: the client may be gone before breaker() runs (issue 18 item 1).
  app.use('/gated', (req, _res, next) => {
    const g = Number(new URL(req.url, 'http://app').searchParams.get('g') ?? 0);
    sleep(g).then(() => next());
  });
  app.get('/gated/:id', expressBreaker(options), handle);
  app.use((error: unknown, _req: Request, res: Response, next: NextFunction) => {
    if (res.headersSent || res.destroyed) return next(error);
    res.status(500).json({ error: String(error) });
  });
  const server = await listen(app);
  return { server, close: () => server.close() };
}

/** Starts the Koa app (`koa2` or `koa3`) with `@koa/router`: the same routes as {@link startExpressApp}. */
export async function startKoaApp(pkg: 'koa2' | 'koa3', deps: ChaosDeps): Promise<ChaosApp> {
  const KoaApp = require(pkg) as typeof Koa;
  const Router = require('@koa/router') as typeof RouterClass;
  const app = new KoaApp();
  app.silent = true;
  const http = upstreamClient(deps);
  const handle: Koa.Middleware = async (ctx) => {
    const q = new URL(ctx.url, 'http://app').searchParams;
    const d = Number(q.get('d') ?? 0);
    const reply = (status: number) => {
      ctx.status = status;
      ctx.body = { status };
    };
    switch (q.get('a') as ServerAction) {
      case 'ok':
        return reply(200);
      case 'slow':
        await sleep(d);
        return reply(200);
      case '500':
        return reply(500);
      case 'throw':
        throw new Error('handler failed');
      case 'hang':
        await new Promise<never>(() => {});
        return;
      case 'destroy':
        ctx.respond = false;
        ctx.req.socket.destroy();
        return;
      case 'half':
        ctx.respond = false;
        return halfAnswer(ctx.res, d);
      case 'wait-close':
        await new Promise<void>((resolve) => ctx.res.once('close', resolve));
        return;
      case 'proxy':
        return reply(await proxy(http, q, clientGone(ctx.res)));
      case 'work':
        return reply(await work(deps, d));
      default:
        return reply(400);
    }
  };
  const options = { registry: deps.registry, clock: deps.clock, ...BREAKER_OPTIONS };
  const router = new Router();
  router.get('/direct/:id', koaBreaker(options), handle);
  router.get(
    '/gated/:id',
    async (ctx, next) => {
      await sleep(Number(new URL(ctx.url, 'http://app').searchParams.get('g') ?? 0));
      await next();
    },
    koaBreaker(options),
    handle,
  );
  app.use(router.routes());
  const server = await listen(app.callback());
  return { server, close: () => server.close() };
}
