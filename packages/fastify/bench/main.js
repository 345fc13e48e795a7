// @ts-check
/**
 * The Fastify bench: Fastify 5 req/s on 127.0.0.1, each variant in a fresh server process loaded by
 * autocannon (50 connections) from this one; variants take turns within a round, in a rotated order.
 * Targets: the `breaker` route >= 0.97x a bare route, the open breaker's 503 >= 0.95x a plain 503 hook,
 * with @fastify/circuit-breaker measured in the same rounds. Bounded: every run has a duration, every
 * server a start deadline and a kill by pid.
 *
 * `npm run bench -w @tripswitch/fastify -- [--rounds 5] [--seconds 5] [--quick]`
 */
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';

const { values } = parseArgs({
  options: {
    rounds: { type: 'string', default: '5' },
    seconds: { type: 'string', default: '5' },
    quick: { type: 'boolean', default: false },
  },
});
const rounds = values.quick ? 1 : Number(values.rounds);
const seconds = values.quick ? 1 : Number(values.seconds);
const SERVER = fileURLToPath(new URL('./server.js', import.meta.url));

/** `floor`: what the set's ratios are taken against; `target`: the least ratio allowed. */
const VARIANTS = [
  { id: 'bare', set: 'closed', label: 'bare route', floor: true },
  { id: 'empty-hook', set: 'closed', label: 'an empty `onRequest` hook (what any admission hook costs)' },
  { id: 'breaker', set: 'closed', label: '`config: { breaker: true }`, closed', target: 0.97 },
  { id: 'fcb', set: 'closed', label: '@fastify/circuit-breaker, closed' },
  { id: 'plain-503', set: 'open', label: 'plain 503 + Retry-After in onRequest', floor: true },
  {
    id: 'breaker-open',
    set: 'open',
    label: '`config: { breaker: true }`, open: 503 + Retry-After',
    target: 0.95,
  },
  { id: 'fcb-open', set: 'open', label: '@fastify/circuit-breaker, open: 503' },
];

/** Starts a server child; resolves with it and its port, or rejects after 15 s (the child is killed). */
function start(variant) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER, variant], { stdio: ['ignore', 'pipe', 'inherit'] });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${variant}: server did not start in 15 s`));
    }, 15_000);
    const server = { child, url: '', out: '' };
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      server.out += chunk;
      const port = /port (\d+)/.exec(server.out)?.[1];
      if (port === undefined || server.url !== '') return;
      clearTimeout(timer);
      server.url = `http://127.0.0.1:${port}/hello`;
      resolve(server);
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${variant}: server exited (${code}) before listening`));
    });
  });
}

/** Stops a server; resolves with the CPU µs it used since its counter was reset (SIGUSR2). */
function stop({ child }) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve(undefined);
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(undefined);
    });
    child.kill('SIGTERM');
  });
}

/** One request first, so that each variant is proven to answer what its label says. */
async function check(url, v) {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  await res.text();
  const ok = v.set === 'closed' ? res.status === 200 : res.status === 503;
  if (!ok) throw new Error(`${v.id}: answered ${res.status}`);
  if (v.id !== 'fcb-open' && v.set === 'open' && res.headers.get('retry-after') === null) {
    throw new Error(`${v.id}: no Retry-After`);
  }
}

const load = (url, duration) => autocannon({ url, connections: 50, pipelining: 1, duration, timeout: 10 });

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
};

const cpu = new Map(VARIANTS.map((v) => [v.id, /** @type {number[]} */ ([])]));
const rps = new Map(VARIANTS.map((v) => [v.id, /** @type {number[]} */ ([])]));
const ratios = new Map(VARIANTS.map((v) => [v.id, /** @type {number[]} */ ([])]));
let unexpected = 0;
for (let r = 0; r < rounds; r++) {
  const order = [...VARIANTS.slice(r % VARIANTS.length), ...VARIANTS.slice(0, r % VARIANTS.length)];
  const round = new Map();
  for (const v of order) {
    const server = await start(v.id);
    const { url } = server;
    try {
      await check(url, v);
      await load(url, Math.max(0.5, seconds / 5));
      server.child.kill('SIGUSR2');
      const res = await load(url, seconds);
      server.total = res.requests.total;
      round.set(v.id, res.requests.total / res.duration);
      unexpected += res.errors + res.timeouts + (v.set === 'open' ? res['2xx'] : res.non2xx);
      console.error(`round ${r + 1}/${rounds} ${v.id}: ${Math.round(round.get(v.id))} req/s`);
    } finally {
      await stop(server);
      const used = Number(/cpu (\d+)/.exec(server.out)?.[1]);
      if (server.total > 0) cpu.get(v.id)?.push(used / server.total);
    }
  }
  for (const v of VARIANTS) {
    const floor = VARIANTS.find((f) => f.floor && f.set === v.set);
    rps.get(v.id)?.push(round.get(v.id));
    ratios.get(v.id)?.push(round.get(v.id) / round.get(floor?.id));
  }
}

const lines = [
  `Fastify 5, autocannon 50 connections, ${seconds} s per run, ${rounds} round(s), Node ${process.version}`,
  '',
  '| variant | req/s (median) | ratio to the floor (median, min–max) | target | server CPU µs/request (median) |',
  '|---|---:|---:|---|---:|',
];
let failed = false;
for (const v of VARIANTS) {
  const ratio = ratios.get(v.id) ?? [];
  const m = median(ratio);
  const verdict = v.target === undefined ? '' : `>= ${v.target}: ${m >= v.target ? 'met' : 'MISSED'}`;
  if (v.target !== undefined && m < v.target) failed = true;
  const range = `${Math.min(...ratio).toFixed(3)}–${Math.max(...ratio).toFixed(3)}`;
  lines.push(
    `| ${v.label} | ${Math.round(median(rps.get(v.id) ?? []))} | ${v.floor ? '1 (floor)' : `${m.toFixed(3)} (${range})`} | ${verdict} | ${median(cpu.get(v.id) ?? []).toFixed(1)} |`,
  );
}
lines.push('', `errors, timeouts and unexpected statuses: ${unexpected}`);
console.log(lines.join('\n'));
if (unexpected > 0) process.exitCode = 1;
if (failed && !values.quick) process.exitCode = 1;
