// @ts-check
/**
 * The fetch client: `withBreaker(fetch)` against bare fetch on loopback, in this process. The closed path:
 * req/s of a closed loop (32 requests in flight) to a local server in a child process, the two variants
 * alternating within a round in a rotated order. The rejection path: one awaited call at a time, an
 * open breaker's rejection against a bare fetch to a port nothing listens on.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { BreakerRegistry } from '@tripswitch/core';
import { withBreaker } from '@tripswitch/fetch';
import { RESULT_MARK } from '../../lib/child.js';
import { ns, ratio, reqs, spread, table } from '../../lib/format.js';
import { section } from '../../lib/report.js';
import { rotate, summarize } from '../../lib/stats.js';
import { HOUR } from '../../lib/subjects.js';

const SERVER = fileURLToPath(new URL('./server.js', import.meta.url));
const IN_FLIGHT = 32;

/** @returns {Promise<{ child: import('node:child_process').ChildProcess, port: number }>} */
function startServer() {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SERVER], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout?.setEncoding('utf8').on('data', (chunk) => {
      out += chunk;
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (line !== undefined) resolve({ child, port: JSON.parse(line.slice(RESULT_MARK.length)).port });
    });
    child.once('exit', (code) =>
      reject(new Error(`the fetch bench server exited (${code}) before listening`)),
    );
  });
}

/** A port on 127.0.0.1 that nothing listens on: connecting is refused. */
async function closedPort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(undefined)));
  const address = server.address();
  await new Promise((resolve) => server.close(() => resolve(undefined)));
  return typeof address === 'object' && address !== null ? address.port : 0;
}

/** req/s of `IN_FLIGHT` loops each sending one request after another for `seconds`. */
async function closedLoop(send, url, seconds) {
  let done = 0;
  const end = performance.now() + seconds * 1000;
  const loop = async () => {
    while (performance.now() < end) {
      const response = await send(url);
      await response.arrayBuffer();
      done++;
    }
  };
  const started = performance.now();
  await Promise.all(Array.from({ length: IN_FLIGHT }, loop));
  return done / ((performance.now() - started) / 1000);
}

/** ns per awaited call of `call`, which must reject, over `n` calls. */
async function perRejection(call, n) {
  const started = performance.now();
  for (let i = 0; i < n; i++) await call().catch(() => undefined);
  return ((performance.now() - started) * 1e6) / n;
}

/** @param {import('../index.js').RunContext} ctx */
async function run({ rounds, quick, log }) {
  const seconds = quick ? 0.5 : 4;
  const n = quick ? 50 : 2000;
  const { child, port } = await startServer();
  const url = `http://127.0.0.1:${port}/hello`;
  const refusedUrl = `http://127.0.0.1:${await closedPort()}/hello`;
  const guarded = withBreaker(fetch, { registry: new BreakerRegistry() });
  const openRegistry = new BreakerRegistry();
  const rejecting = withBreaker(fetch, { registry: openRegistry });
  openRegistry.get(`http://127.0.0.1:${port}`).openFor(HOUR);
  /** @type {Record<string, (u: string) => Promise<Response>>} */
  const variants = { bare: (u) => fetch(u), breaker: (u) => guarded(u) };
  const closed = { bare: [], breaker: [], ratio: [] };
  const rejection = { rejected: [], refused: [], ratio: [] };
  try {
    for (const v of Object.keys(variants)) await closedLoop(variants[v], url, quick ? 0.2 : 1);
    await perRejection(() => rejecting(url), n);
    await perRejection(() => fetch(refusedUrl), quick ? 10 : 200);
    for (let r = 0; r < rounds; r++) {
      const round = {};
      for (const v of rotate(Object.keys(variants), r)) {
        round[v] = await closedLoop(variants[v], url, seconds);
        closed[v].push(round[v]);
        log?.(`  fetch round ${r + 1}/${rounds}  ${v}: ${Math.round(round[v])} req/s`);
      }
      closed.ratio.push(round.breaker / round.bare);
      const rejected = await perRejection(() => rejecting(url), n);
      const refused = await perRejection(() => fetch(refusedUrl), quick ? 10 : 500);
      rejection.rejected.push(rejected);
      rejection.refused.push(refused);
      rejection.ratio.push(refused / rejected);
      log?.(
        `  fetch round ${r + 1}/${rounds}  rejection ${Math.round(rejected)} ns, refused ${Math.round(refused)} ns`,
      );
    }
  } finally {
    child.kill('SIGTERM');
  }
  const s = (xs) => summarize(xs);
  return {
    seconds,
    n,
    closed: { bare: s(closed.bare), breaker: s(closed.breaker), ratio: s(closed.ratio), perRound: closed },
    rejection: {
      rejected: s(rejection.rejected),
      refused: s(rejection.refused),
      ratio: s(rejection.ratio),
      perRound: rejection,
    },
  };
}

/** @param {any} result @param {{ rounds: number, title: string }} ctx */
function fetchTable(result, { rounds, title }) {
  const rows = [
    ['bare `fetch`, closed loop', spread(result.closed.bare, reqs), '1.00×'],
    ['`withBreaker(fetch)`, closed', spread(result.closed.breaker, reqs), spread(result.closed.ratio, ratio)],
    ['bare `fetch` to a refused port, per call', spread(result.rejection.refused, ns), '—'],
    [
      '`withBreaker(fetch)`, open: rejection per call',
      spread(result.rejection.rejected, ns),
      `refused ÷ this ${spread(result.rejection.ratio, ratio)}`,
    ],
  ];
  return section(
    `${title}: the global fetch to 127.0.0.1`,
    table(['variant', 'median (range)', 'ratio'], rows),
    [
      `${rounds} round(s): ${result.seconds} s per closed-path variant with ${IN_FLIGHT} requests in flight (the server in a child process), then ${result.n} awaited rejections and as many refused connections one at a time (fewer of those).`,
    ],
  );
}

export const group = {
  id: 'fetch',
  title: 'fetch client',
  rounds: 3,
  run,
  table: fetchTable,
  targets: [
    {
      name: '`withBreaker(fetch)` closed vs bare fetch',
      target: '≥ 0.97× req/s',
      limit: 0.97,
      atMost: false,
      /** @param {any} r */
      evaluate: (r) => ({ rounds: r.closed.perRound.ratio, fmt: ratio, others: '—' }),
    },
    {
      name: '`withBreaker(fetch)` rejection vs a refused connection',
      target: '≥ 20× faster',
      limit: 20,
      atMost: false,
      /** @param {any} r */
      evaluate: (r) => ({
        rounds: r.rejection.perRound.ratio,
        fmt: ratio,
        note: `${ns(r.rejection.rejected.median)} per rejection, ${ns(r.rejection.refused.median)} per refused fetch`,
        others: '—',
      }),
    },
  ],
};
