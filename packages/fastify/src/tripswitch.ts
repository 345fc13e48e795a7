import type { Attributes } from '@opentelemetry/api';
import { isCircuitOpenError, type Permit, safeHook } from '@tripswitch/core';
import {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_ROUTE,
  settleRequest,
  withDeadline,
} from '@tripswitch/core/http';
import type {
  FastifyPluginCallback,
  FastifyReply,
  FastifyRequest,
  HookHandlerDoneFunction,
  RouteOptions,
} from 'fastify';
import fp from 'fastify-plugin';
import {
  type ResolvedRouteOptions,
  resolvePluginOptions,
  resolveRouteOptions,
  type TripswitchOptions,
} from './options.js';
import { rejectRequest } from './rejection.js';
import './route-config.js';
import { installGuard } from './route-hooks.js';

/** The permit of an admitted request; a request decorator, so every request has the same shape. */
const PERMIT: unique symbol = Symbol('tripswitch.permit');
type Guarded = FastifyRequest & { [PERMIT]: Permit | null };

/** What a route's breaker is looked up by, and the span attributes of its calls: made once per method. */
interface Target {
  readonly name: string;
  readonly admit: { readonly attributes: Attributes };
}

/**
 * Adds the breaker hooks to one route: admission in `onRequest` (before the body is parsed), the outcome
 * in `onError` (with the error), else once the response is sent: on the raw response's `close`, which
 * follows `finish`, or comes alone when the client went away first. Not an `onResponse` hook: a route
 * with one makes Fastify add two listeners and a closure to every response (measured ~8% of the open
 * path's CPU), and an earlier failing `onResponse` hook would skip it, leaking the permit.
 */
function guardRoute(route: RouteOptions, o: ResolvedRouteOptions): void {
  const url = route.url;
  const targets = new Map<string, Target>();
  const target = (method: string): Target => {
    let t = targets.get(method);
    if (t === undefined) {
      t = {
        name: o.name ?? `${method} ${url}`,
        admit: { attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_HTTP_ROUTE]: url } },
      };
      targets.set(method, t);
    }
    return t;
  };
  for (const method of Array.isArray(route.method) ? route.method : [route.method]) target(method);
  const hooks = safeHook(`the tripswitch plugin on ${url}`, o.core.onListenerError);
  // The answered case, once per route: no closure per request on the hot path.
  const judgeAnswered = (reply: FastifyReply) => o.isFailure(reply.request, reply, undefined);
  function settle(permit: Permit, request: FastifyRequest, reply: FastifyReply, error?: unknown): void {
    const isFailure =
      error === undefined ? judgeAnswered : (r: FastifyReply) => o.isFailure(request, r, error);
    settleRequest(permit, o, hooks, isFailure, reply, error, reply.statusCode);
  }

  function tripswitchAdmit(
    request: FastifyRequest,
    reply: FastifyReply,
    done: HookHandlerDoneFunction,
  ): void {
    // The client left while an earlier hook ran ('close' fired already, so no listener would settle a
    // permit, and a handler waiting on 'close' would hold it): take none.
    if (reply.raw.destroyed || reply.raw.writableEnded) {
      done();
      return;
    }
    const t = targets.get(request.method) ?? target(request.method);
    const admitted = o.registry.get(t.name, o.core).admit(t.admit);
    if (isCircuitOpenError(admitted)) {
      rejectRequest(o, request, reply, done, admitted);
      return;
    }
    const permit = withDeadline(admitted, t.name, o.deadline);
    (request as Guarded)[PERMIT] = permit;
    const res = reply.raw;
    // 'close' follows 'finish' (keep-alive too), or comes alone when the client went away first, which says
    // nothing about the route: ignored, freeing a half_open trial slot.
    // `on`, not `once`: 'close' comes once per response, and once() would wrap the listener per request.
    res.on('close', () => {
      if (res.writableFinished) settle(permit, request, reply);
      else permit.ignore();
    });
    permit.run(done);
  }

  function tripswitchOnError(
    request: FastifyRequest,
    reply: FastifyReply,
    error: Error,
    done: HookHandlerDoneFunction,
  ): void {
    const permit = (request as Guarded)[PERMIT];
    if (permit !== null) settle(permit, request, reply, error);
    done();
  }

  installGuard(route, { onRequest: tripswitchAdmit, onError: tripswitchOnError });
}

const plugin: FastifyPluginCallback<TripswitchOptions> = function tripswitch(fastify, options, done) {
  let resolved: ReturnType<typeof resolvePluginOptions>;
  try {
    resolved = resolvePluginOptions(options);
  } catch (error) {
    done(error as Error);
    return;
  }
  if (!fastify.hasRequestDecorator(PERMIT)) fastify.decorateRequest(PERMIT, null);
  fastify.addHook('onRoute', function tripswitchRoute(route) {
    const methods = Array.isArray(route.method) ? route.method.join(',') : route.method;
    const o = resolveRouteOptions(resolved, route.config?.breaker, `${methods} ${route.url}`);
    if (o !== undefined) guardRoute(route, o);
  });
  done();
};

/**
 * The Fastify plugin: puts routes behind a circuit breaker each. Routes opt in with route config
 * (`config: { breaker: true }`, or `{ breaker: { ...options } }` to override the plugin's), or all of them
 * with `allRoutes: true`. A route's breaker is named `<METHOD> <route url>` (`GET /api/users/:id`, with the
 * prefixes of encapsulated plugins), created in `registry` on its first request.
 *
 * Admission runs in `onRequest`, so a rejected request is answered 503 + `Retry-After` before its body is
 * read or parsed. The outcome is recorded in `onError`, or once the response is sent; a client that went away first is
 * ignored. It is a `fastify-plugin`: its hooks apply to the instance it is registered on and every plugin
 * registered there after it; await it before declaring routes, as it sees routes as they are added.
 *
 * @throws TypeError or RangeError when an option is invalid: the plugin's at registration, a route's when
 *   the route is added (so `ready()` rejects).
 * @example
 * ```ts
 * await app.register(tripswitch, { failureThreshold: 5, resetTimeout: 30_000 });
 * app.get('/users/:id', { config: { breaker: true } }, getUser);
 * app.post('/orders', { config: { breaker: { failureThreshold: 3 } } }, createOrder);
 * ```
 */
export const tripswitch: FastifyPluginCallback<TripswitchOptions> = fp(plugin, {
  fastify: '4.x || 5.x',
  name: '@tripswitch/fastify',
});
