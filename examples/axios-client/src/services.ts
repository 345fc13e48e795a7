import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** `ok`: 200 with JSON; `down`: 500; `busy`: 503 with `Retry-After: 1`, once, then `ok` again. */
export type ServiceMode = 'ok' | 'down' | 'busy';

export interface FakeService {
  readonly origin: string;
  mode: ServiceMode;
  /** Requests that reached the service: an open breaker sends none. */
  received: number;
  close(): Promise<void>;
}

/** A local stand-in for an upstream service, on 127.0.0.1, answering every path with `body(path)`. */
export async function startService(body: (path: string) => unknown): Promise<FakeService> {
  const service = { mode: 'ok' as ServiceMode, received: 0 };
  const server = createServer((req, res) => {
    service.received++;
    const mode = service.mode;
    if (mode === 'busy') service.mode = 'ok';
    const [status, headers, payload] =
      mode === 'ok'
        ? [200, {}, body(req.url ?? '/')]
        : mode === 'down'
          ? [500, {}, { error: 'internal error' }]
          : [503, { 'retry-after': '1' }, { error: 'busy' }];
    res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(payload));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return Object.assign(service, {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
