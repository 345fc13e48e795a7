import { createRequire } from 'node:module';
import { listen } from '@tripswitch/testkit';
import { type FrameworkMajor, frameworkMajors } from '@tripswitch/testkit/framework-majors';
import { describeServerAdapter } from '@tripswitch/testkit/server-suite';
import type {
  Exchange,
  ServerSuiteDriver,
  SuiteBreakerOptions,
  SuiteHandler,
} from '@tripswitch/testkit/server-suite-driver';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { breakerHealth } from './health.js';
import { breaker } from './middleware.js';
import type { BreakerMiddlewareOptions } from './options.js';

const require = createRequire(import.meta.url);
type ExpressModule = typeof import('express');

function exchange(req: Request, res: Response, next: NextFunction): Exchange {
  return {
    res,
    query: (name) => (typeof req.query[name] === 'string' ? req.query[name] : undefined),
    send: (status, body = '') => void res.status(status).send(body),
    pass: (error) => next(error),
    writePartial: () => void res.write('partial'),
  };
}

function middlewareOptions(o: SuiteBreakerOptions): BreakerMiddlewareOptions {
  const { isFailure, onReject, ...rest } = o;
  return {
    ...rest,
    ...(isFailure && { isFailure: (_req, res, error) => isFailure(res.statusCode, error) }),
    ...(onReject && {
      onReject: (req, res, next, error) => void onReject(error, exchange(req, res, next)),
    }),
  };
}

/** The suite's driver for `@tripswitch/express` on one Express major. */
function expressDriver({ module: express, ...framework }: FrameworkMajor<ExpressModule>): ServerSuiteDriver {
  return {
    ...framework,
    asyncHandlerErrors: framework.major >= 5,
    async serve(spec) {
      const app = express();
      const errors: unknown[] = [];
      const before = spec.before;
      if (before !== undefined) app.use((req, res, next) => void before(req, res).then(() => next(), next));
      for (const [path, options] of Object.entries(spec.health ?? {})) app.get(path, breakerHealth(options));
      const middleware = new Map<SuiteBreakerOptions, RequestHandler>();
      for (const r of spec.routes ?? []) {
        let guard = middleware.get(r.breaker);
        if (guard === undefined) {
          guard = breaker(middlewareOptions(r.breaker)) as RequestHandler;
          middleware.set(r.breaker, guard);
        }
        const handle: SuiteHandler = r.handler;
        let router = express.Router();
        router[r.method === 'GET' ? 'get' : 'post'](r.path, guard, (req, res, next) =>
          handle(exchange(req, res, next)),
        );
        for (const prefix of [...(r.prefixes ?? [])].reverse()) router = express.Router().use(prefix, router);
        app.use(router);
      }
      // Records what reaches error handling and leaves the answer to Express's default handler.
      app.use((error: unknown, _req: Request, _res: Response, next: NextFunction) => {
        errors.push(error);
        next(error);
      });
      const server = await listen(app);
      return { url: server.url, errors, close: server.close };
    },
  };
}

for (const express of frameworkMajors<ExpressModule>(require, 'express', 'Express', [4, 5])) {
  describeServerAdapter(expressDriver(express));
}
