import { type CircuitOpenError, isCircuitOpenError, safeHook } from '@tripswitch/core';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_ROUTE,
  settleRequest,
  toHttpError,
  withDeadline,
} from '@tripswitch/core/http';
import type { NextFunction, Request, Response } from 'express';
import { type BreakerMiddlewareOptions, resolveOptions } from './options.js';
import { sendRejection } from './respond.js';

/**
 * Where the current request's permit listens for an error on its way out of the route: a symbol key in
 * `res.locals`, Express's per-request scratch object. Not a property of `res` itself (adding one to every
 * response changes its hidden class and slows Express's own code) nor a WeakMap (measured ~6% of req/s here,
 * from the GC's ephemeron work).
 */
const ON_ERROR: unique symbol = Symbol('tripswitch.onError');
type Locals = { [ON_ERROR]?: (error: unknown) => void };
const CAPTURING: unique symbol = Symbol('tripswitch.capturing');

/** The parts of an Express 4 / 5 `Route` used here (both keep `methods._all` and `all()`). */
interface RouteLike {
  readonly path: unknown;
  readonly methods: Record<string, boolean | undefined>;
  all(handler: (error: unknown, req: Request, res: Response, next: NextFunction) => void): unknown;
  [CAPTURING]?: true;
}

/**
 * The middleware {@link breaker} returns. Generic in the route parameters, so that placing it before a
 * handler keeps Express's typing of `req.params` from the path (`/users/:id` → `req.params.id: string`).
 */
export type BreakerMiddleware = <P = Request['params']>(
  req: Request<P>,
  res: Response,
  next: NextFunction,
) => void;

/**
 * Creates a route-level middleware that puts the route behind a circuit breaker: admitted requests go on
 * to the handler and their outcome is recorded; while the circuit is open, requests are answered with 503
 * and `Retry-After` without reaching the handler.
 *
 * Each route gets its own breaker, named `<METHOD> <mounted route template>` (so `/users/1` and
 * `/users/2` share `GET /users/:id`), created in `registry` on the first request.
 *
 * @throws TypeError or RangeError when an option is invalid (at creation, not on the first request).
 * @example
 * ```ts
 * app.get('/users/:id', breaker(), getUser);
 * app.post('/orders', breaker({ failureThreshold: 3, resetTimeout: 10_000 }), createOrder);
 * ```
 */
export function breaker(options?: BreakerMiddlewareOptions): BreakerMiddleware {
  const o = resolveOptions(options);
  const hooks = safeHook(
    `breaker(${o.name === undefined ? '' : JSON.stringify(o.name)}) middleware`,
    o.core.onListenerError,
  );
  function reject(req: Request, res: Response, next: NextFunction, error: CircuitOpenError): void {
    if (o.onReject !== undefined) o.onReject(req, res, next, error);
    else if (o.rejectWith === 'error') next(toHttpError(error));
    else sendRejection(res, error);
  }

  // The body reads only what every route has; the generic type is for the handlers after it.
  return function tripswitchBreaker(req: Request, res: Response, next: NextFunction): void {
    const route = req.route as RouteLike | undefined;
    const template = route === undefined ? undefined : req.baseUrl + String(route.path);
    const name = o.name ?? (template === undefined ? undefined : `${req.method} ${template}`);
    if (name === undefined) {
      next(
        new TypeError('breaker() without a name must be used on a route: app.get(path, breaker(), handler)'),
      );
      return;
    }
    const attributes =
      template === undefined
        ? { [ATTR_HTTP_REQUEST_METHOD]: req.method }
        : { [ATTR_HTTP_REQUEST_METHOD]: req.method, [ATTR_HTTP_ROUTE]: template };
    // The client left before this middleware ran ('close' fired already, so no listener would settle a
    // permit): take none. Nothing can be answered and nothing learnt about the route.
    if (res.destroyed || res.writableEnded) {
      next();
      return;
    }
    const admitted = o.registry.get(name, o.core).admit({ attributes });
    if (isCircuitOpenError(admitted)) {
      reject(req, res, next, admitted);
      return;
    }
    const permit = withDeadline(admitted, name, o.deadline);
    const settle = (error?: unknown): void =>
      settleRequest(permit, o, hooks, (e: unknown) => o.isFailure(req, res, e), error, error, res.statusCode);
    // Breakers stacked on one route each get the error.
    const locals = res.locals as Locals;
    const outer = locals[ON_ERROR];
    locals[ON_ERROR] =
      outer === undefined
        ? settle
        : (error) => {
            outer(error);
            settle(error);
          };
    // One listener per request: 'close' follows 'finish' (keep-alive too), or comes alone when the client
    // went away first, which says nothing about the route: ignored, freeing a half_open trial slot.
    res.once('close', () => {
      if (res.writableFinished) settle();
      else permit.ignore();
    });
    if (route !== undefined) captureErrors(route);
    permit.run(next);
  } as BreakerMiddleware;
}

/**
 * An error passed to `next(err)` (or thrown by a handler, which Express turns into `next(err)`) leaves
 * the route for the app's error handlers and never comes back through this middleware. One error-handling
 * layer appended to the route, once, sees it on its way out, so the permit is settled with the error
 * itself instead of a guess from the status that some error handler sends later.
 */
function captureErrors(route: RouteLike): void {
  if (route[CAPTURING] === true) return;
  route[CAPTURING] = true;
  const answeredEveryMethod = route.methods._all;
  route.all(function tripswitchCaptureError(error, _req, res, next) {
    (res.locals as Locals)[ON_ERROR]?.(error);
    next(error);
  });
  // all() also marks the route as answering every method, which would change 404 and OPTIONS handling.
  if (answeredEveryMethod === undefined) delete route.methods._all;
}
