import { type CircuitOpenError, isCircuitOpenError, type Permit, safeHook } from '@tripswitch/core';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_ROUTE,
  rejectionResponse,
  settleRequest,
  withDeadline,
} from '@tripswitch/core/http';
import type { Context, Middleware } from 'koa';
import { type BreakerMiddlewareOptions, resolveOptions } from './options.js';
import { toHttpError } from './respond.js';

/**
 * Creates a middleware that puts a `@koa/router` route behind a circuit breaker: admitted requests go on
 * down the chain and their outcome is recorded; while the circuit is open, requests are answered with 503
 * and `Retry-After` without reaching the handler.
 *
 * Each route gets its own breaker, named `<METHOD> <route template>` (`ctx.method` and the router's
 * `ctx._matchedRoute`, so `/users/1` and `/users/2` share `GET /users/:id`), created in `registry` on the
 * first request.
 *
 * @throws TypeError or RangeError when an option is invalid (at creation, not on the first request).
 * @example
 * ```ts
 * router.get('/users/:id', breaker(), getUser);
 * router.post('/orders', breaker({ failureThreshold: 3, resetTimeout: 10_000 }), createOrder);
 * ```
 */
export function breaker(options?: BreakerMiddlewareOptions): Middleware {
  const o = resolveOptions(options);
  const hooks = safeHook(
    `breaker(${o.name === undefined ? '' : JSON.stringify(o.name)}) middleware`,
    o.core.onListenerError,
  );

  function settle(permit: Permit, ctx: Context, error?: unknown): void {
    settleRequest(permit, o, hooks, (c: Context) => o.isFailure(c, error), ctx, error, ctx.status);
  }

  // Synchronous unless onReject is async: rejections come in floods, and this is their whole path.
  function reject(ctx: Context, error: CircuitOpenError): void | Promise<void> {
    if (o.onReject !== undefined) return o.onReject(ctx, error);
    if (o.rejectWith === 'error') throw toHttpError(error);
    const { status, retryAfter, body } = rejectionResponse(error);
    ctx.status = status;
    if (retryAfter !== undefined) ctx.set('Retry-After', retryAfter);
    // Serialised already, as Koa would serialise the object, without its body-type sniffing.
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = body;
  }

  return async function tripswitchBreaker(ctx, next) {
    const matched = (ctx as { _matchedRoute?: unknown })._matchedRoute;
    const template = matched === undefined ? undefined : String(matched);
    const name = o.name ?? (template === undefined ? undefined : `${ctx.method} ${template}`);
    if (name === undefined) {
      throw new TypeError(
        `breaker() without a name must be used on a @koa/router route (router.get(path, breaker(), handler)); ` +
          `on ${ctx.method} ${ctx.path} no route matched, as with app.use(breaker()): pass { name } to share one breaker`,
      );
    }
    const attributes =
      template === undefined
        ? { [ATTR_HTTP_REQUEST_METHOD]: ctx.method }
        : { [ATTR_HTTP_REQUEST_METHOD]: ctx.method, [ATTR_HTTP_ROUTE]: template };
    // The client left before this middleware ran ('close' fired already, so no listener would settle a
    // permit, and a handler waiting on 'close' would hold it): take none.
    if (ctx.res.destroyed || ctx.res.writableEnded) return next();
    const admitted = o.registry.get(name, o.core).admit({ attributes });
    if (isCircuitOpenError(admitted)) return reject(ctx, admitted);
    const permit = withDeadline(admitted, name, o.deadline);
    // A client gone before the response finished says nothing about the route: ignore, freeing a trial slot.
    const res = ctx.res;
    res.once('close', () => {
      if (!res.writableFinished) permit.ignore();
    });
    try {
      await permit.run(next);
    } catch (error) {
      settle(permit, ctx, error);
      throw error;
    }
    settle(permit, ctx);
  };
}
