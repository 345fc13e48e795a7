import type { StatusPage, StatusPageOptions, StatusPageStreams } from '@tripswitch/core/status-page';
import { adaptStatusPage } from '@tripswitch/core/status-page';
import type { Context, Middleware } from 'koa';

/** Options of {@link breakerStatusPage}; `authorize` is given the Koa context (`ctx.state.user`, …). */
export type BreakerStatusPageOptions = StatusPageOptions<Context>;

/** The middleware {@link breakerStatusPage} returns, with what a graceful shutdown needs. */
export type BreakerStatusPage = Middleware & StatusPageStreams;

/** The page as a Koa middleware, which passes every request it does not answer on. */
function middlewareOf(page: StatusPage<Context>): Middleware {
  return async function tripswitchStatusPage(ctx, next) {
    const answered = page.handle(ctx.req, ctx.res, ctx.url, ctx);
    if (answered === false) return next();
    // The page writes its answers (and the event stream) to the response itself.
    ctx.respond = false;
    await answered;
  };
}

/**
 * Creates a middleware that serves the live status page of a registry's breakers at `<basePath>/` (its
 * event stream, `snapshot.json` and, with `authorize`, the control actions beside it) and passes every
 * other request on. The page uses relative URLs only, so a prefix (`koa-mount`, a proxy) just works.
 * Read-only unless `authorize(ctx)` returns true for the request.
 *
 * @throws TypeError or RangeError when an option is invalid.
 * @example
 * ```ts
 * app.use(breakerStatusPage()); // http://127.0.0.1:3000/breakers/
 * app.use(breakerStatusPage({ basePath: '/ops/breakers', authorize: (ctx) => ctx.state.user?.isOps === true }));
 * ```
 */
export function breakerStatusPage(options?: BreakerStatusPageOptions): BreakerStatusPage {
  return adaptStatusPage(options, middlewareOf);
}
