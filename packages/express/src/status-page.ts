import { createStatusPage, type StatusPageOptions } from '@tripswitch/core/status-page';
import type { Request, RequestHandler } from 'express';

/** Options of {@link breakerStatusPage}; `authorize` is given the Express request. */
export type BreakerStatusPageOptions = StatusPageOptions<Request>;

/** The handler {@link breakerStatusPage} returns, with what a graceful shutdown needs. */
export type BreakerStatusPage = RequestHandler & {
  /** Live streams right now (one per open page). */
  readonly clients: number;
  /** Ends every live stream: `server.close()` waits for open streams, so call it first on shutdown. */
  closeStreams(): void;
};

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
  const page = createStatusPage<Request>(options);
  // req.url is relative to the mount path, which is what the page's relative URLs need.
  const handler: RequestHandler = function tripswitchStatusPage(req, res, next) {
    if (page.handle(req, res, req.url, req) === false) next();
  };
  return Object.defineProperties(handler, {
    clients: { get: () => page.clients },
    closeStreams: { value: () => page.closeStreams() },
  }) as BreakerStatusPage;
}
