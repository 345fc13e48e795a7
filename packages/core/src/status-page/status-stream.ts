import type { IncomingMessage, OutgoingHttpHeaders, ServerResponse } from 'node:http';
import type { Unsubscribe } from '../events.js';
import type { StatusListener, StatusMonitor } from './status-monitor.js';

/** The browser waits this long before reconnecting a dropped stream (the `retry:` field), in ms. */
export const RECONNECT_MS = 1500;
/** A comment line every this many ticks, so that idle-timeout proxies see traffic of their own. */
const HEARTBEAT_TICKS = 15;
/** A page that reads slower than this much buffered output is dropped (it reconnects and starts afresh). */
const MAX_BUFFERED_BYTES = 1 << 20;

/**
 * The Server-Sent Events side of the status page: one stream per open page, each a listener of the
 * monitor (so the first stream starts the watch and the last one to close ends it), at most
 * `maxClients` at once.
 */
export class StatusStream {
  private readonly open = new Set<ServerResponse>();
  private lastPayload: unknown;
  private lastJson = '';

  constructor(
    private readonly monitor: StatusMonitor,
    private readonly maxClients: number,
  ) {}

  /** Streams open right now. */
  get clients(): number {
    return this.open.size;
  }

  /**
   * Answers `req` with an event stream: `init` (the full snapshot plus `extra`), then `tick` every
   * second and `transition` as each happens. Past `maxClients`, a 503 with `Retry-After` instead.
   */
  serve(
    req: IncomingMessage,
    res: ServerResponse,
    headers: OutgoingHttpHeaders,
    extra: Record<string, unknown>,
  ): void {
    if (this.open.size >= this.maxClients) {
      res.writeHead(503, { ...headers, 'content-type': 'text/plain; charset=utf-8', 'retry-after': '10' });
      res.end(`too many status pages open (maxClients ${this.maxClients})\n`);
      return;
    }
    req.socket.setNoDelay(true);
    req.socket.setTimeout(0);
    res.writeHead(200, {
      ...headers,
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-store',
      // Proxies that buffer responses (nginx) would hold the events back.
      'x-accel-buffering': 'no',
    });
    res.write(`retry: ${RECONNECT_MS}\n\n`);
    this.open.add(res);
    let ticks = 0;
    const send = (frame: string): void => {
      if (res.writableLength > MAX_BUFFERED_BYTES) res.destroy();
      else res.write(frame);
    };
    const listener: StatusListener = {
      tick: (snapshot) => {
        send(this.frame('tick', snapshot));
        if (++ticks % HEARTBEAT_TICKS === 0) send(': heartbeat\n\n');
      },
      transition: (record) => send(this.frame('transition', record)),
    };
    const unsubscribe: Unsubscribe = this.monitor.subscribe(listener);
    send(this.frame('init', { ...this.monitor.snapshot(true), ...extra }));
    const done = (): void => {
      if (!this.open.delete(res)) return;
      unsubscribe();
      if (this.open.size === 0) this.lastPayload = undefined;
    };
    res.once('close', done);
    res.once('error', done);
  }

  /** Ends every stream (a server shutting down); pages reconnect when it is back. */
  closeAll(): void {
    for (const res of this.open) res.end();
  }

  /** An SSE frame; every page gets the same tick object, so it is serialised once per tick. */
  private frame(event: string, payload: unknown): string {
    if (payload !== this.lastPayload) {
      this.lastPayload = payload;
      this.lastJson = JSON.stringify(payload);
    }
    return `event: ${event}\ndata: ${this.lastJson}\n\n`;
  }
}
