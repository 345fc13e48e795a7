/**
 * `startUpstream` is a real HTTP server on 127.0.0.1 that answers the way a test tells it to, for the
 * client adapters' tests. The answer is the server's `mode`, or, per request, the query string:
 * `?status=503&retryAfter=5&delay=20`, `?do=reset`, `?do=hang`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What the upstream does with a request. */
export type UpstreamMode =
  | {
      readonly status: number;
      /** Extra response headers (`Retry-After`, `Date`). */
      readonly headers?: Readonly<Record<string, string>>;
      /** Answer after this many ms of real time (a slow upstream). */
      readonly delayMs?: number;
    }
  /** Destroy the socket without answering: the client sees ECONNRESET. */
  | 'reset'
  /** Never answer: the client's own timeout has to end the request. */
  | 'hang';

export interface Upstream {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Requests received so far (every one, whatever the mode). */
  readonly requests: number;
  /** Requests received so far for this path (without the query string). */
  requestsAt(path: string): number;
  /** TCP connections accepted so far. */
  readonly connections: number;
  /** The answer for requests without a query string. */
  mode: UpstreamMode;
  /** Resolves once the upstream has received `count` requests in all (at once if it already has). */
  whenRequests(count: number): Promise<void>;
  close(): Promise<void>;
}

function modeFrom(req: IncomingMessage, fallback: UpstreamMode): UpstreamMode {
  const query = new URL(req.url ?? '/', 'http://upstream').searchParams;
  const action = query.get('do');
  if (action === 'reset' || action === 'hang') return action;
  const status = query.get('status');
  if (status === null && query.get('delay') === null) return fallback;
  const headers: Record<string, string> = {};
  const retryAfter = query.get('retryAfter');
  if (retryAfter !== null) headers['retry-after'] = retryAfter;
  return { status: Number(status ?? 200), headers, delayMs: Number(query.get('delay') ?? 0) };
}

/** Starts an upstream on 127.0.0.1, port 0. */
export async function startUpstream(mode: UpstreamMode = { status: 200 }): Promise<Upstream> {
  let requests = 0;
  const byPath = new Map<string, number>();
  let connections = 0;
  let current = mode;
  const timers = new Set<NodeJS.Timeout>();
  const waiters: Array<{ count: number; resolve: () => void }> = [];

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    requests++;
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    byPath.set(path, (byPath.get(path) ?? 0) + 1);
    for (const waiter of waiters.filter((w) => w.count <= requests)) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
    const m = modeFrom(req, current);
    if (m === 'reset') {
      req.socket.destroy();
      return;
    }
    if (m === 'hang') return;
    const send = () => {
      if (res.destroyed) return;
      res.writeHead(m.status, { 'content-type': 'application/json', ...m.headers });
      res.end(JSON.stringify({ status: m.status, path: req.url }));
    };
    if (!m.delayMs) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      timers.delete(timer);
      send();
    }, m.delayMs);
    timers.add(timer);
  });
  server.on('connection', () => {
    connections++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requestsAt: (path) => byPath.get(path) ?? 0,
    get requests() {
      return requests;
    },
    get connections() {
      return connections;
    },
    get mode() {
      return current;
    },
    set mode(next: UpstreamMode) {
      current = next;
    },
    whenRequests: (count) =>
      count <= requests
        ? Promise.resolve()
        : new Promise<void>((resolve) => waiters.push({ count, resolve })),
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port on 127.0.0.1 that nothing listens on (a server was bound to it and closed): connecting is refused. */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
