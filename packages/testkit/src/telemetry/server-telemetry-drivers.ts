import { createServer, type RequestListener } from 'node:http';
import type { RequestHandler } from 'express';
import type { FastifyPluginCallback } from 'fastify';
import type Koa from 'koa';
import type { ServerBreakerOptions, ServerTelemetryDriver } from './server-telemetry-contract.js';

/** Loads a framework module; called only once the instrumentations are enabled, so it gets patched. */
export type Load<T> = () => T;

/** The Express driver: `breaker` is `@tripswitch/express`'s. */
export function expressTelemetryDriver(
  breaker: (options: ServerBreakerOptions) => RequestHandler,
  loadExpress: Load<typeof import('express')>,
): ServerTelemetryDriver {
  return {
    framework: 'express',
    app(path, options, handler) {
      const app = loadExpress()();
      app.get(path, breaker(options), (_req, res, next) => {
        handler().then((status) => res.status(status).send(String(status)), next);
      });
      return app;
    },
  };
}

/** The Koa driver: `breaker` is `@tripswitch/koa`'s, routed by `@koa/router`. */
export function koaTelemetryDriver(
  breaker: (options: ServerBreakerOptions) => Koa.Middleware,
  loadKoa: Load<typeof Koa>,
  loadRouter: Load<typeof import('@koa/router').Router>,
): ServerTelemetryDriver {
  return {
    framework: 'koa',
    app(path, options, handler) {
      const Router = loadRouter();
      const router = new Router();
      router.get(path, breaker(options), async (ctx) => {
        ctx.status = await handler();
        ctx.body = String(ctx.status);
      });
      const KoaApp = loadKoa();
      const app = new KoaApp();
      app.use(router.routes());
      return app.callback();
    },
  };
}

/**
 * The Fastify driver: `plugin` is `@tripswitch/fastify`'s, registered with `options`; the route opts in
 * with `config.breaker`. The listener is Fastify's own request handler, taken from its server factory.
 */
export function fastifyTelemetryDriver(
  plugin: FastifyPluginCallback<ServerBreakerOptions>,
  loadFastify: Load<typeof import('fastify').default>,
): ServerTelemetryDriver {
  return {
    framework: 'fastify',
    handlerInCallSpan: false,
    async app(path, options, handler) {
      let listener: RequestListener | undefined;
      const app = loadFastify()({
        serverFactory: (handle) => {
          listener = handle;
          return createServer(handle);
        },
      });
      await app.register(plugin, options);
      app.get(path, { config: { breaker: true } }, async (_request, reply) => {
        const status = await handler();
        return reply.code(status).send(String(status));
      });
      await app.ready();
      if (listener === undefined) throw new Error('Fastify did not call its serverFactory');
      return listener;
    },
  };
}
