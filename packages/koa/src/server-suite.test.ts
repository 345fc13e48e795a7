import { createRequire } from 'node:module';
import type { Router as RouterClass } from '@koa/router';
import { deferred, listen } from '@tripswitch/testkit';
import { type FrameworkMajor, frameworkMajors } from '@tripswitch/testkit/framework-majors';
import { describeServerAdapter } from '@tripswitch/testkit/server-suite';
import type {
  Exchange,
  ServerSuiteDriver,
  SuiteBreakerOptions,
} from '@tripswitch/testkit/server-suite-driver';
import type Koa from 'koa';
import { breakerHealth } from './health.js';
import { breaker } from './middleware.js';
import type { BreakerMiddlewareOptions } from './options.js';
import { recordErrors } from './test-support.js';

const require = createRequire(import.meta.url);
const Router = require('@koa/router') as typeof RouterClass;

/** An exchange whose `answered` settles when the handler sends (resolves) or passes an error (rejects). */
function exchange(ctx: Koa.Context): Exchange & { answered: Promise<void> } {
  const answered = deferred();
  return {
    answered: answered.promise,
    res: ctx.res,
    query: (name) => (typeof ctx.query[name] === 'string' ? ctx.query[name] : undefined),
    send: (status, body = '') => {
      ctx.status = status;
      ctx.body = body;
      answered.resolve();
    },
    pass: (error) => answered.reject(error),
    writePartial: () => {
      ctx.status = 200;
      ctx.res.write('partial');
    },
  };
}

function middlewareOptions(o: SuiteBreakerOptions): BreakerMiddlewareOptions {
  const { isFailure, onReject, ...rest } = o;
  return {
    ...rest,
    ...(isFailure && { isFailure: (ctx, error) => isFailure(ctx.status, error) }),
    ...(onReject && { onReject: (ctx, error) => onReject(error, exchange(ctx)) }),
  };
}

/** The suite's driver for `@tripswitch/koa` on one Koa major, routed by `@koa/router`. */
function koaDriver({ module: KoaApp, ...framework }: FrameworkMajor<typeof Koa>): ServerSuiteDriver {
  return {
    ...framework,
    asyncHandlerErrors: true,
    async serve(spec) {
      const app = new KoaApp();
      app.silent = true;
      const errors: unknown[] = [];
      // Records what reaches error handling and leaves the answer to Koa's own.
      app.use(recordErrors(errors));
      const before = spec.before;
      if (before !== undefined) {
        app.use(async (ctx, next) => {
          await before(ctx.req, ctx.res);
          await next();
        });
      }
      const health = new Router();
      for (const [path, options] of Object.entries(spec.health ?? {}))
        health.get(path, breakerHealth(options));
      app.use(health.routes());
      const middleware = new Map<SuiteBreakerOptions, Koa.Middleware>();
      for (const r of spec.routes ?? []) {
        let guard = middleware.get(r.breaker);
        if (guard === undefined) {
          guard = breaker(middlewareOptions(r.breaker));
          middleware.set(r.breaker, guard);
        }
        let router = new Router();
        router[r.method === 'GET' ? 'get' : 'post'](r.path, guard, async (ctx) => {
          const x = exchange(ctx);
          await r.handler(x);
          await x.answered;
        });
        for (const prefix of [...(r.prefixes ?? [])].reverse()) {
          const outer = new Router();
          outer.use(prefix, router.routes());
          router = outer;
        }
        app.use(router.routes());
      }
      const server = await listen(app.callback());
      return { url: server.url, errors, close: server.close };
    },
  };
}

for (const koa of frameworkMajors<typeof Koa>(require, 'koa', 'Koa', [2, 3]))
  describeServerAdapter(koaDriver(koa));
