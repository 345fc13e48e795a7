import type { StatusPage, StatusPageOptions, StatusPageStreams } from '@tripswitch/core/status-page';
import { adaptStatusPage, resolveStatusPageOptions } from '@tripswitch/core/status-page';
import type { FastifyPluginCallback, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';

/** Options of {@link breakerStatusPage}; `authorize` is given the Fastify request. */
export type BreakerStatusPageOptions = StatusPageOptions<FastifyRequest>;

/**
 * The plugin {@link breakerStatusPage} returns, with what a graceful shutdown needs (the plugin ends its
 * streams itself when the app closes).
 */
export type BreakerStatusPage = FastifyPluginCallback & StatusPageStreams;

/** The page as a Fastify plugin: its routes answer in `onRequest`, and its streams end when the app closes. */
function pluginOf(page: StatusPage<FastifyRequest>, basePath: string): FastifyPluginCallback {
  return function tripswitchStatusPage(fastify, _options, done) {
    const prefix = fastify.prefix;
    // The page writes its answers (and the event stream) to the raw response itself.
    function serve(request: FastifyRequest, reply: FastifyReply, next: HookHandlerDoneFunction): void {
      const url = request.url.slice(prefix.length);
      reply.hijack();
      const answered = page.handle(request.raw, reply.raw, url === '' ? '/' : url, request);
      if (answered === false) reply.raw.writeHead(404).end();
      next();
    }
    const notReached = () => {};
    const urls = basePath === '' ? ['/*'] : [basePath, `${basePath}/*`];
    for (const url of urls) {
      fastify.route({ method: ['GET', 'POST'], url, onRequest: serve, handler: notReached });
    }
    fastify.addHook('preClose', (closing) => {
      page.closeStreams();
      closing();
    });
    done();
  };
}

/**
 * Creates a plugin that serves the live status page of a registry's breakers at `<basePath>/` (its event
 * stream, `snapshot.json` and, with `authorize`, the control actions beside it), under the prefix it is
 * registered with. The page uses relative URLs only, so a prefix or a proxy's path just works. Read-only
 * unless `authorize(request)` returns true for the request. It answers in `onRequest`, before any body
 * is parsed, and ends its streams when the app closes.
 *
 * @throws TypeError or RangeError when an option is invalid.
 * @example
 * ```ts
 * await app.register(breakerStatusPage()); // http://127.0.0.1:3000/breakers/
 * await app.register(breakerStatusPage({ authorize: (request) => request.headers['x-role'] === 'ops' }), {
 *   prefix: '/admin',
 * });
 * ```
 */
export function breakerStatusPage(options?: BreakerStatusPageOptions): BreakerStatusPage {
  const { basePath } = resolveStatusPageOptions(options);
  return adaptStatusPage(options, (page) => pluginOf(page, basePath));
}
