import { type ChildProcess, spawn } from 'node:child_process';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { stopProcess } from '../e2e/process.js';

const REPLICA = fileURLToPath(new URL('../../examples/fleet/dist/replica.js', import.meta.url));

/** Wall-clock ms with sub-ms precision, comparable between processes on one machine. */
export const now = (): number => performance.timeOrigin + performance.now();

/** A line a replica reported. */
export interface ReplicaEvent {
  readonly event: string;
  readonly at: number;
  readonly breaker?: string;
  readonly from?: string;
  readonly to?: string;
  readonly reason?: string;
  readonly [key: string]: unknown;
}

/** One replica process of examples/fleet. */
export interface ReplicaProcess {
  readonly id: string;
  readonly url: string;
  readonly child: ChildProcess;
  readonly events: ReplicaEvent[];
  get(path: string): Promise<{ status: number; body: Record<string, unknown> }>;
  stop(): Promise<void>;
}

export async function startReplica(id: string, env: Record<string, string>): Promise<ReplicaProcess> {
  const child = spawn(process.execPath, [REPLICA], {
    env: { ...process.env, ...env, INSTANCE_ID: id },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: ReplicaEvent[] = [];
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`replica ${id} not ready within 20 s`)), 20_000);
    child.once('exit', (code) => reject(new Error(`replica ${id} exited with ${code}`)));
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
      let event: ReplicaEvent;
      try {
        event = JSON.parse(line) as ReplicaEvent;
      } catch {
        return;
      }
      events.push(event);
      if (event.event === 'ready') {
        clearTimeout(timer);
        resolve(event.port as number);
      }
    });
  });
  const url = `http://127.0.0.1:${await ready}`;
  return {
    id,
    url,
    child,
    events,
    async get(path) {
      const response = await fetch(`${url}${path}`, { signal: AbortSignal.timeout(5000) });
      return { status: response.status, body: (await response.json()) as Record<string, unknown> };
    },
    stop: () => stopProcess(child),
  };
}

/** A request the upstream received. */
export interface UpstreamHit {
  readonly replica: string;
  readonly at: number;
}

/** The fleet's shared upstream on 127.0.0.1: healthy, failing (500) or hanging, on command. */
export interface Upstream {
  mode: 'up' | 'down' | 'hang';
  /** When set, `down` fails only this replica's requests. */
  downOnlyFor: string | undefined;
  readonly url: string;
  readonly hits: UpstreamHit[];
  close(): Promise<void>;
}

export async function startUpstream(): Promise<Upstream> {
  const hanging: ServerResponse[] = [];
  const state = { mode: 'up' as Upstream['mode'], only: undefined as string | undefined };
  const hits: UpstreamHit[] = [];
  const server: Server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const replica = String(req.headers['x-replica']);
    hits.push({ replica, at: now() });
    if (state.mode === 'hang') {
      hanging.push(res);
      return;
    }
    const fails = state.mode === 'down' && (state.only === undefined || state.only === replica);
    res.writeHead(fails ? 500 : 200, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ price: 42 }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    get mode() {
      return state.mode;
    },
    set mode(mode) {
      state.mode = mode;
    },
    get downOnlyFor() {
      return state.only;
    },
    set downOnlyFor(replica) {
      state.only = replica;
    },
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    hits,
    async close() {
      for (const res of hanging) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}
