import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A local stand-in for an upstream on 127.0.0.1: it answers `status` (and `headers`) to every request. */
export interface Upstream {
  readonly url: string;
  status: number;
  headers: Record<string, string>;
  /** Requests that reached it: an open breaker sends none. */
  received: number;
  close(): void;
}

export async function startUpstream(): Promise<Upstream> {
  const state = { status: 200, headers: {} as Record<string, string>, received: 0 };
  const server = createServer((_req, res) => {
    state.received++;
    res.writeHead(state.status, { 'content-type': 'application/json', ...state.headers });
    res.end(JSON.stringify({ status: state.status }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return Object.assign(state, { url, close: () => server.close() });
}
