import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import { resolveStatusPageOptions, type StatusPageOptions } from './options.js';
import { PAGE_CSP, PAGE_HTML } from './page.js';
import { applyAction, ControlTokens, isSameOrigin, isStatusAction } from './status-control.js';
import { StatusMonitor } from './status-monitor.js';
import { StatusStream } from './status-stream.js';

/** The live streams of a status page: what a graceful shutdown needs of it. */
export interface StatusPageStreams {
  /** Live streams right now (one per open page). */
  readonly clients: number;
  /**
   * Ends every live stream, for a server shutting down: an HTTP server's `close()` waits for open
   * streams, so call it first (the pages reconnect once the server is back).
   */
  closeStreams(): void;
}

/** A status page: answers the requests under its `basePath` and leaves every other request alone. */
export interface StatusPage<T> extends StatusPageStreams {
  /**
   * Answers `req` when `url` (its path and query as the framework sees them, after any mount prefix) is
   * under `basePath`, and returns a promise settled once it is answered; returns `false` at once, without
   * touching `req` or `res`, when it is not. `subject` is what `authorize` is given.
   */
  handle(req: IncomingMessage, res: ServerResponse, url: string, subject: T): false | Promise<void>;
}

/** Headers of every answer: nothing is cached, sniffed, framed or told where it came from. */
const BASE_HEADERS: OutgoingHttpHeaders = Object.freeze({
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
});
const PAGE_BODY = Buffer.from(PAGE_HTML, 'utf8');

function send(res: ServerResponse, status: number, type: string, body: string | Buffer, extra = {}): void {
  const buffer = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, {
    ...BASE_HEADERS,
    ...extra,
    'content-type': type,
    'content-length': buffer.length,
  });
  res.end(res.req?.method === 'HEAD' ? undefined : buffer);
}

function sendJson(res: ServerResponse, status: number, body: unknown): void {
  send(res, status, 'application/json; charset=utf-8', JSON.stringify(body));
}

/**
 * The framework-agnostic status page the server adapters mount: the page at `<basePath>/`, its event
 * stream at `<basePath>/stream`, the same data as JSON at `<basePath>/snapshot.json`, and the control
 * actions at `POST <basePath>/action?breaker=<name>&action=force_open|close|disable`, which need
 * `authorize`, the page's token and a same-origin request. Nothing runs until a page opens a stream.
 *
 * @throws TypeError or RangeError when an option is invalid.
 * @example
 * ```ts
 * const page = createStatusPage({ basePath: '/breakers' });
 * createServer((req, res) => {
 *   if (page.handle(req, res, req.url ?? '/', req) === false) res.writeHead(404).end();
 * }).listen(8080, '127.0.0.1');
 * ```
 */
export function createStatusPage<T = IncomingMessage>(options?: StatusPageOptions<T>): StatusPage<T> {
  const o = resolveStatusPageOptions(options);
  const monitor = new StatusMonitor(o.registry);
  const stream = new StatusStream(monitor, o.maxClients);
  const tokens = new ControlTokens();
  // `/breakers` answers with a redirect to `breakers/`: relative, so that a proxy's prefix survives.
  const slashRedirect = `${o.basePath.slice(o.basePath.lastIndexOf('/') + 1)}/`;
  let authorizeErrorLogged = false;

  async function allowed(subject: T): Promise<boolean> {
    if (o.authorize === undefined) return false;
    try {
      return (await o.authorize(subject)) === true;
    } catch (error) {
      if (!authorizeErrorLogged) {
        authorizeErrorLogged = true;
        console.error('[tripswitch] the status page authorize() threw; refused (reported once):', error);
      }
      return false;
    }
  }

  async function act(req: IncomingMessage, res: ServerResponse, query: string, subject: T): Promise<void> {
    req.resume();
    if (!isSameOrigin(req)) return sendJson(res, 403, { error: 'cross-origin request refused' });
    if (!(await allowed(subject))) return sendJson(res, 403, { error: 'not authorized' });
    if (!tokens.verify(req.headers['x-tripswitch-token'])) {
      return sendJson(res, 403, { error: 'missing or invalid page token (reload the page)' });
    }
    const params = new URLSearchParams(query);
    const name = params.get('breaker');
    const action = params.get('action');
    if (!isStatusAction(action)) {
      return sendJson(res, 400, { error: 'action must be one of force_open, close, disable' });
    }
    const breaker = name !== null && o.registry.has(name) ? o.registry.get(name) : undefined;
    if (breaker === undefined) return sendJson(res, 404, { error: 'no such breaker' });
    applyAction(breaker, action, req);
    sendJson(res, 200, { name: breaker.name, action, state: breaker.state });
  }

  async function route(
    req: IncomingMessage,
    res: ServerResponse,
    sub: string,
    query: string,
    subject: T,
  ): Promise<void> {
    const method = req.method ?? 'GET';
    const read = method === 'GET' || method === 'HEAD';
    if (sub === '/action') {
      if (method === 'POST') return act(req, res, query, subject);
      return send(res, 405, 'text/plain; charset=utf-8', 'use POST\n', { allow: 'POST' });
    }
    if (sub !== '/' && sub !== '/stream' && sub !== '/snapshot.json') {
      return send(res, 404, 'text/plain; charset=utf-8', 'not found\n');
    }
    if (!read) return send(res, 405, 'text/plain; charset=utf-8', 'use GET\n', { allow: 'GET, HEAD' });
    if (sub === '/')
      return send(res, 200, 'text/html; charset=utf-8', PAGE_BODY, { 'content-security-policy': PAGE_CSP });
    if (sub === '/snapshot.json') return sendJson(res, 200, monitor.snapshot(true));
    const token = (await allowed(subject)) ? tokens.issue() : null;
    stream.serve(req, res, BASE_HEADERS, { token });
  }

  return {
    handle(req, res, url, subject) {
      const q = url.indexOf('?');
      const path = q === -1 ? url : url.slice(0, q);
      if (path === o.basePath && o.basePath !== '') {
        if (req.method !== 'GET' && req.method !== 'HEAD') return false;
        res.writeHead(308, { ...BASE_HEADERS, location: slashRedirect }).end();
        return Promise.resolve();
      }
      if (!path.startsWith(`${o.basePath}/`)) return false;
      return route(req, res, path.slice(o.basePath.length), q === -1 ? '' : url.slice(q + 1), subject).catch(
        (error: unknown) => {
          console.error('[tripswitch] the status page failed to answer a request:', error);
          if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
          else res.destroy();
        },
      );
    },
    get clients() {
      return stream.clients;
    },
    closeStreams() {
      stream.closeAll();
    },
  };
}

/**
 * Builds a server adapter's status page from `options`: `wrap` turns the page into the framework's
 * handler (a middleware, a plugin), which is returned with the page's `clients` and `closeStreams()`, read
 * live, so every adapter's `breakerStatusPage()` has the same shape.
 *
 * @throws TypeError or RangeError when an option is invalid.
 * @example
 * ```ts
 * const handler = adaptStatusPage<Request, RequestHandler>(options, (page) =>
 *   function tripswitchStatusPage(req, res, next) {
 *     if (page.handle(req, res, req.url, req) === false) next();
 *   },
 * );
 * ```
 */
export function adaptStatusPage<T, H extends object>(
  options: StatusPageOptions<T> | undefined,
  wrap: (page: StatusPage<T>) => H,
): H & StatusPageStreams {
  const page = createStatusPage(options);
  return Object.defineProperties(wrap(page), {
    clients: { get: () => page.clients },
    closeStreams: { value: () => page.closeStreams() },
  }) as H & StatusPageStreams;
}
