import type { StatusPage, StatusPageOptions, StatusPageStreams } from '@tripswitch/core/status-page';
import { adaptStatusPage } from '@tripswitch/core/status-page';
import type { Request, RequestHandler } from 'express';

/** Options of {@link breakerStatusPage}; `authorize` is given the Express request. */
export type BreakerStatusPageOptions = StatusPageOptions<Request>;

/** The handler {@link breakerStatusPage} returns, with what a graceful shutdown needs. */
export type BreakerStatusPage = RequestHandler & StatusPageStreams;

/** The page as an Express handler, which passes every request it does not answer on. */
function handlerOf(page: StatusPage<Request>): RequestHandler {
  // req.url is relative to the mount path, which is what the page's relative URLs need.
  return function tripswitchStatusPage(req, res, next) {
    if (page.handle(req, res, req.url, req) === false) next();
  };
}

/**
 * Creates a handler that serves the live status page of a registry's breakers at `<basePath>/` (its
 * event stream, `snapshot.json` and, with `authorize`, the control actions beside it) and passes every
 * other request on. Mount it anywhere: the page uses relative URLs only, so a mount path or a proxy's
 * prefix just works. Read-only unless `authorize(req)` returns true for the request.
 *
 * @throws TypeError or RangeError when an option is invalid.
 * @example
 * ```ts
 * app.use(breakerStatusPage()); // http://127.0.0.1:3000/breakers/
 * app.use('/admin', breakerStatusPage({ authorize: (req) => req.get('x-role') === 'ops' }));
 * ```
 */
export function breakerStatusPage(options?: BreakerStatusPageOptions): BreakerStatusPage {
  return adaptStatusPage(options, handlerOf);
}
