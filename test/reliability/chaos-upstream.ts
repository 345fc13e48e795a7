import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What the chaos upstream does with one request; the caller picks it, so a seeded run replays exactly. */
export type UpstreamFault =
  | 'ok'
  /** answers after `d` ms of real time (a latency spike when `d` passes the client's timeout) */
  | 'slow'
  /** destroys the socket without a byte of answer (ECONNRESET) */
  | 'reset'
  /** sends the headers and part of the body, then destroys the socket */
  | 'half'
  /** never answers: the client's timeout or cancellation ends it */
  | 'hang'
  | '500'
  | '502'
  /** 429 with `Retry-After: RETRY_AFTER_VALUES[ra]` */
  | '429'
  /** 503 with `Retry-After: RETRY_AFTER_VALUES[ra]` */
  | '503';

/**
 * `Retry-After` values an upstream may send: good ones and garbage (negative, NaN, overflowing, the epoch,
 * a date centuries ahead, 10 KB strings, an empty header). Sent by index, to keep request URLs short.
 */
export const RETRY_AFTER_VALUES: readonly string[] = [
  '1',
  '3',
  '0',
  '-1',
  'NaN',
  '1e309',
  '99999999999',
  'Thu, 01 Jan 1970 00:00:00 GMT',
  'Tue, 01 Jan 2999 00:00:00 GMT',
  'soon 3000',
  '9'.repeat(10_240),
  'x'.repeat(10_240),
  '',
];

/** The query string that asks the chaos upstream for `fault` (`d`: delay in ms, `ra`: a Retry-After index). */
export function faultQuery(fault: UpstreamFault, d = 0, ra = 0): string {
  return `f=${fault}&d=${d}&ra=${ra}`;
}

export interface ChaosUpstream {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  readonly port: number;
  /** Requests received, by fault. */
  readonly received: Readonly<Record<string, number>>;
  close(): Promise<void>;
}

function answer(req: IncomingMessage, res: ServerResponse, timers: Set<NodeJS.Timeout>): string {
  const q = new URL(req.url ?? '/', 'http://chaos').searchParams;
  const fault = (q.get('f') ?? 'ok') as UpstreamFault;
  const delay = Number(q.get('d') ?? 0);
  const later = (fn: () => void, ms: number) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      if (!res.destroyed) fn();
    }, ms);
    timers.add(timer);
  };
  const send = (status: number, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify({ status, fault }));
  };
  switch (fault) {
    case 'ok':
      send(200);
      break;
    case 'slow':
      later(() => send(200), delay);
      break;
    case 'reset':
      req.socket.destroy();
      break;
    case 'half':
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': '4096' });
      res.write('{"partial":"');
      later(() => req.socket.destroy(), delay);
      break;
    case 'hang':
      break;
    case '500':
    case '502':
      later(() => send(Number(fault)), delay);
      break;
    case '429':
    case '503':
      send(Number(fault), { 'retry-after': RETRY_AFTER_VALUES[Number(q.get('ra') ?? 0)] ?? '1' });
      break;
    default:
      send(400);
  }
  return fault;
}

/** Starts an upstream on 127.0.0.1, port 0, that fails each request the way the request asks. */
export async function startChaosUpstream(): Promise<ChaosUpstream> {
  const received: Record<string, number> = {};
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const fault = answer(req, res, timers);
    received[fault] = (received[fault] ?? 0) + 1;
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearTimeout(timer);
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}
