import { createServer, type RequestListener, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import { BreakerRegistry } from '@tripswitch/core';
import * as tsExpress from '@tripswitch/express';
import * as tsFastify from '@tripswitch/fastify';
import * as tsKoa from '@tripswitch/koa';
import express from 'express';
import Fastify from 'fastify';
import Koa from 'koa';

export type Framework = 'express' | 'koa' | 'fastify';

/** A real server on 127.0.0.1 with breakers on its routes and two status pages: read-only and authorized. */
export interface StatusApp {
  /** `http://127.0.0.1:<port>`. */
  readonly origin: string;
  readonly registry: BreakerRegistry;
  /** While true, the quotes route answers 500 (the profile route always answers 200). */
  failing: boolean;
  /** `GET origin + path`, resolving with the status. */
  get(path: string): Promise<number>;
  /** Stops the server (streams included) and starts it again on the same port `downMs` later. */
  restart(downMs: number): Promise<void>;
  close(): Promise<void>;
}

/** The read-only page; the authorized one is at `/ops/breakers/`. */
export const READ_ONLY = '/ro/breakers/';
export const AUTHORIZED = '/ops/breakers/';

function expressApp(registry: BreakerRegistry, state: { failing: boolean }, resetTimeout: number) {
  const { breaker, breakerStatusPage } = tsExpress;
  const pages = [breakerStatusPage({ registry }), breakerStatusPage({ registry, authorize: () => true })];
  const app = express();
  app.use('/ro', pages[0]!);
  app.use('/ops', pages[1]!);
  app.get('/api/quotes/:symbol', breaker({ registry, failureThreshold: 3, resetTimeout }), (_req, res) => {
    res.status(state.failing ? 500 : 200).json({ ok: !state.failing });
  });
  app.get('/api/profile/:id', breaker({ registry, failureThreshold: 3, resetTimeout }), (_req, res) => {
    res.json({ ok: true });
  });
  return { listener: app as RequestListener, pages };
}

function koaApp(registry: BreakerRegistry, state: { failing: boolean }, resetTimeout: number) {
  const { breaker, breakerStatusPage } = tsKoa;
  const pages = [
    breakerStatusPage({ registry, basePath: '/ro/breakers' }),
    breakerStatusPage({ registry, basePath: '/ops/breakers', authorize: () => true }),
  ];
  const router = new Router();
  router.get('/api/quotes/:symbol', breaker({ registry, failureThreshold: 3, resetTimeout }), (ctx) => {
    ctx.status = state.failing ? 500 : 200;
    ctx.body = { ok: !state.failing };
  });
  router.get('/api/profile/:id', breaker({ registry, failureThreshold: 3, resetTimeout }), (ctx) => {
    ctx.body = { ok: true };
  });
  const app = new Koa();
  app.use(pages[0]!).use(pages[1]!).use(router.routes());
  return { listener: app.callback() as RequestListener, pages };
}

async function fastifyApp(registry: BreakerRegistry, state: { failing: boolean }, resetTimeout: number) {
  const { breakerStatusPage, tripswitch } = tsFastify;
  const pages = [breakerStatusPage({ registry }), breakerStatusPage({ registry, authorize: () => true })];
  // Fastify's own request handler, served by the same restartable server as the other frameworks.
  let listener: RequestListener | undefined;
  const app = Fastify({
    serverFactory: (handler) => {
      listener = handler;
      return createServer(handler);
    },
  });
  await app.register(tripswitch, { registry, failureThreshold: 3, resetTimeout });
  await app.register(pages[0]!, { prefix: '/ro' });
  await app.register(pages[1]!, { prefix: '/ops' });
  app.get('/api/quotes/:symbol', { config: { breaker: true } }, async (_request, reply) =>
    reply.code(state.failing ? 500 : 200).send({ ok: !state.failing }),
  );
  app.get('/api/profile/:id', { config: { breaker: true } }, async () => ({ ok: true }));
  await app.ready();
  if (listener === undefined) throw new Error('Fastify did not call its serverFactory');
  return { listener, pages };
}

const apps = { express: expressApp, koa: koaApp, fastify: fastifyApp };

async function listen(listener: RequestListener, port: number): Promise<Server> {
  const server = createServer(listener);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

export async function startStatusApp(
  framework: Framework,
  registry = new BreakerRegistry({ telemetry: { enabled: false } }),
  resetTimeout = 4000,
): Promise<StatusApp> {
  const state = { failing: false };
  const { listener, pages } = await apps[framework](registry, state, resetTimeout);
  let server = await listen(listener, 0);
  const port = (server.address() as AddressInfo).port;
  const origin = `http://127.0.0.1:${port}`;
  const stop = () =>
    new Promise<void>((resolve) => {
      for (const page of pages) page.closeStreams();
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return {
    origin,
    registry,
    get failing() {
      return state.failing;
    },
    set failing(value) {
      state.failing = value;
    },
    get: async (path) => (await fetch(origin + path)).status,
    async restart(downMs) {
      await stop();
      await new Promise((resolve) => setTimeout(resolve, downMs));
      server = await listen(listener, port);
    },
    close: stop,
  };
}
