// `npm run demo:fleet`: a local redis-server (or REDIS_URL), a flaky upstream, three replicas of the API
// behind a round-robin load generator, and a live table with a column per replica.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createInterface } from 'node:readline';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const args = process.argv.slice(2);
const durationS = Number(args[args.indexOf('--duration') + 1] || 40) || 40;
const children: ChildProcess[] = [];
const cleanup = () => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGTERM');
};
process.on('exit', cleanup);
process.on('SIGINT', () => process.exit(130));

let redisUrl = process.env.REDIS_URL;
if (redisUrl === undefined) {
  try {
    execFileSync('redis-server', ['--version'], { stdio: 'ignore' });
  } catch {
    console.error(
      'demo:fleet needs Redis: install it (Debian/Ubuntu: sudo apt-get install redis-server; macOS: brew install redis)\n' +
        'or point REDIS_URL at one (REDIS_URL=redis://127.0.0.1:6379 npm run demo:fleet).',
    );
    process.exit(1);
  }
  const port = 16_379 + Math.floor(Math.random() * 1000);
  const redis = spawn(
    'redis-server',
    ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
    {
      stdio: 'ignore',
    },
  );
  children.push(redis);
  redisUrl = `redis://127.0.0.1:${port}`;
  await sleep(300);
}

// The upstream: healthy, then down from 4 s to 12 s of every 20 s; counts calls per replica.
const started = Date.now();
const hits = new Map<string, number>();
const down = () => ((Date.now() - started) / 1000) % 20 >= 4 && ((Date.now() - started) / 1000) % 20 < 12;
const upstream = createServer((req, res) => {
  const replica = String(req.headers['x-replica']);
  hits.set(replica, (hits.get(replica) ?? 0) + 1);
  res.writeHead(down() ? 503 : 200, { 'content-type': 'application/json' }).end('{"price":42}');
});
await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
const upstreamUrl = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;

const ids = ['replica-a', 'replica-b', 'replica-c'];
const replicaJs = fileURLToPath(new URL('./replica.js', import.meta.url));
const urls = await Promise.all(
  ids.map(
    (id) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, [replicaJs], {
          env: {
            ...process.env,
            INSTANCE_ID: id,
            REDIS_URL: redisUrl,
            UPSTREAM_URL: upstreamUrl,
            RESET_TIMEOUT_MS: '2000',
          },
          stdio: ['ignore', 'pipe', 'inherit'],
        });
        children.push(child);
        child.once('exit', (code) => reject(new Error(`${id} exited with ${code}`)));
        createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (line) => {
          const event = JSON.parse(line) as { event: string; port?: number };
          if (event.event === 'ready') resolve(`http://127.0.0.1:${event.port}`);
        });
      }),
  ),
);
console.log(
  `tripswitch demo:fleet: Redis ${redisUrl}, upstream ${upstreamUrl} (down 4-12 s of every 20 s), 3 replicas`,
);

let next = 0;
const load = setInterval(() => {
  const url = urls[next++ % urls.length] as string;
  fetch(`${url}/quotes/ACME`, { signal: AbortSignal.timeout(2000) }).catch(() => {});
}, 20);

let sawAllOpen = false;
const deadline = Date.now() + durationS * 1000;
while (Date.now() < deadline) {
  await sleep(1000);
  const states = await Promise.all(
    urls.map(async (url) => {
      const body = (await (await fetch(`${url}/health/breakers`)).json()) as {
        breakers: Record<string, { state: string }>;
      };
      return body.breakers['quotes-upstream']?.state ?? '-';
    }),
  );
  if (states.every((state) => state === 'open')) sawAllOpen = true;
  const t = ((Date.now() - started) / 1000).toFixed(0).padStart(3);
  const cells = ids.map(
    (id, i) => `${id}: ${(states[i] ?? '-').padEnd(9)} ${String(hits.get(id) ?? 0).padStart(5)} calls`,
  );
  console.log(`${t}s  upstream ${down() ? 'DOWN' : 'up  '}  ${cells.join('  |  ')}`);
}
clearInterval(load);
upstream.close();
upstream.closeAllConnections();
cleanup();
// The smoke run (12 s covers one outage) checks that the replicas tripped together at least once.
if (durationS >= 10 && !sawAllOpen) console.error('the three replicas were never open together');
process.exit(durationS >= 10 && !sawAllOpen ? 1 : 0);
