import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { UpstreamMode } from './schedule.js';

/** The most a hanging request is held: far past the APIs' client timeout, short enough to bound shutdown. */
const HANG_MS = 5000;
const HEALTHY_DELAY_MS = 20;

export interface FlakyUpstream {
  /** `http://127.0.0.1:<port>` */
  readonly origin: string;
  /** What it does with the next requests; the schedule changes it. */
  mode: UpstreamMode;
  close(): Promise<void>;
}

/**
 * A local dependency that misbehaves on command: every request is answered according to `mode`, with
 * `Retry-After: <retryAfterSeconds>` on the 503s. It answers any path with a small JSON document, so the
 * APIs can ask it for quotes or orders alike.
 */
export async function startFlakyUpstream(retryAfterSeconds: number): Promise<FlakyUpstream> {
  const pending = new Set<NodeJS.Timeout>();
  const state = { mode: 'healthy' as UpstreamMode, requests: 0 };

  const server: Server = createServer((req, res) => {
    state.requests++;
    const answer = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers });
      res.end(JSON.stringify(body));
    };
    const later = (ms: number, fn: () => void): void => {
      const timer = setTimeout(() => {
        pending.delete(timer);
        if (!res.destroyed) fn();
      }, ms);
      pending.add(timer);
      // A client that gave up (the APIs time out at 500 ms) frees the timer early.
      res.once('close', () => {
        clearTimeout(timer);
        pending.delete(timer);
      });
    };
    switch (state.mode) {
      case 'healthy':
        later(HEALTHY_DELAY_MS, () => answer(200, { path: req.url, price: 100 + (state.requests % 7) }));
        return;
      case 'erroring':
        answer(500, { error: 'internal error' });
        return;
      case 'hanging':
        later(HANG_MS, () => answer(200, { path: req.url, late: true }));
        return;
      case 'unavailable':
        answer(503, { error: 'maintenance' }, { 'retry-after': String(retryAfterSeconds) });
        return;
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `http://127.0.0.1:${port}`,
    get mode() {
      return state.mode;
    },
    set mode(mode: UpstreamMode) {
      state.mode = mode;
    },
    close: () => {
      for (const timer of pending) clearTimeout(timer);
      return closeServer(server);
    },
  };
}

/** Stops accepting, drops idle and in-flight connections, resolves once the server is closed. */
export function closeServer(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
}
