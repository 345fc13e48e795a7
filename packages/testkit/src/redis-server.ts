import { type ChildProcess, spawn } from 'node:child_process';
import { type AddressInfo, connect, createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { aptInstall, onPath } from './debian-package.js';

/**
 * The `redis-server` binary: `REDIS_SERVER_BIN`, on PATH, or installed with apt-get (Debian package
 * `redis-server`) when missing and running as root; otherwise why the suite must be skipped. A
 * temporary policy-rc.d keeps the package's own service from starting.
 */
export function ensureRedisServer(): { binary: string } | { skip: string } {
  const found = process.env.REDIS_SERVER_BIN ?? onPath('redis-server');
  if (found !== undefined) return { binary: found };
  if (process.getuid?.() !== 0) {
    return { skip: 'no redis-server (set REDIS_SERVER_BIN, or run as root to apt-get install redis-server)' };
  }
  console.log(
    '[test] redis-server is not installed: apt-get install -y --no-install-recommends redis-server',
  );
  aptInstall('redis-server');
  const installed = onPath('redis-server');
  return installed === undefined
    ? { skip: 'apt-get install redis-server gave no binary' }
    : { binary: installed };
}

/** A TCP port on 127.0.0.1 that was free a moment ago. */
async function freePort(): Promise<number> {
  const server = createServer().listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** One PING over a raw socket: true on `+PONG`. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(500, () => done(false));
    socket.once('error', () => done(false));
    socket.once('data', (data) => done(data.toString().startsWith('+PONG')));
    socket.write('PING\r\n');
  });
}

/** A redis-server of a test's own: 127.0.0.1, a free port, no persistence. */
export interface TestRedis {
  readonly port: number;
  readonly url: string;
  /** The current process id (a new one after {@link restart}). */
  readonly pid: number;
  /** Whether the process is up (false after {@link kill} until {@link restart}). */
  readonly running: boolean;
  /** SIGKILL, as a crash would; resolves once the process is gone. */
  kill(): Promise<void>;
  /** Starts it again on the same port (after {@link kill}). */
  restart(): Promise<void>;
  /** Stops it (SIGTERM by pid, SIGKILL after 5 s). */
  stop(): Promise<void>;
}

/** Starts a redis-server on a free 127.0.0.1 port with persistence off; resolves once it answers PING. */
export async function startRedis(binary: string): Promise<TestRedis> {
  const port = await freePort();
  let child: ChildProcess | undefined;
  const launch = async () => {
    const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'];
    const started = spawn(binary, [...args, '--dir', '/tmp', '--loglevel', 'warning'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    child = started;
    const deadline = Date.now() + 10_000;
    while (!(await ping(port))) {
      if (started.exitCode !== null) throw new Error(`redis-server exited with ${started.exitCode}`);
      if (Date.now() > deadline) throw new Error('redis-server did not answer PING within 10 s');
      await sleep(20);
    }
  };
  const signal = async (name: NodeJS.Signals) => {
    const c = child;
    if (c?.pid === undefined || c.exitCode !== null || c.signalCode !== null) return;
    const exited = new Promise((resolve) => c.once('exit', resolve));
    process.kill(c.pid, name);
    const killer = setTimeout(() => c.pid !== undefined && c.kill('SIGKILL'), 5000);
    await exited;
    clearTimeout(killer);
  };
  await launch();
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return child?.pid ?? -1;
    },
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    kill: () => signal('SIGKILL'),
    restart: launch,
    stop: () => signal('SIGTERM'),
  };
}
