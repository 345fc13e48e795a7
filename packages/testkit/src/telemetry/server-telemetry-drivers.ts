import type { RequestHandler } from 'express';
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
