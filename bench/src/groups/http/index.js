// @ts-check
/**
 * HTTP throughput on loopback. Each run starts a fresh server process for one variant, checks one
 * response (status, Retry-After), warms it up, then loads it with autocannon (50 connections) from this
 * process. Variants alternate within a round, in a rotated order each round.
 */
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { int, ratio, reqs, spread, table } from '../../lib/format.js';
import { section } from '../../lib/report.js';
import { startServer, stopServer } from '../../lib/server-process.js';
import { rotate, summarize } from '../../lib/stats.js';

const SERVER = fileURLToPath(new URL('./server.js', import.meta.url));

export const FRAMEWORKS = {
  express: 'Express 5',
  koa: 'Koa 3 + @koa/router',
};

export const VARIANTS = [
  { id: 'bare', label: 'bare handler', set: 'closed', floor: true },
  { id: 'breaker', label: '`breaker()` middleware, closed', set: 'closed' },
  { id: 'opossum', label: 'opossum-wrapped handler (defaults), closed', set: 'closed' },
  { id: 'plain-503', label: 'plain synchronous 503 + Retry-After middleware', set: 'open', floor: true },
  { id: 'breaker-open', label: '`breaker()` middleware, open: 503 + Retry-After', set: 'open' },
  { id: 'opossum-open', label: 'opossum-wrapped handler after `open()`, 503 in its catch', set: 'open' },
];

/** One request, to prove the variant answers what its label says before it is measured. */
async function check(url, variant) {
  const res = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = await res.text();
  const open = variant.set === 'open';
  const retryAfter = res.headers.get('retry-after');
  if (open ? res.status !== 503 || retryAfter === null : res.status !== 200 || body !== 'ok') {
    throw new Error(
      `${variant.id}: expected ${open ? '503 + Retry-After' : '200 ok'}, got ${res.status} ${retryAfter ?? ''} ${body.slice(0, 200)}`,
    );
  }
  return { status: res.status, retryAfter };
}

function load(url, seconds) {
  return autocannon({ url, connections: 50, pipelining: 1, duration: seconds, timeout: 10 });
}

export async function runHttpGroup({ rounds, quick, log, frameworks = Object.keys(FRAMEWORKS) }) {
  const seconds = quick ? 0.5 : 5;
  const warmSeconds = quick ? 0.2 : 1;
  const out = {};
  for (const fw of frameworks) {
    if (FRAMEWORKS[fw] === undefined) throw new Error(`no framework ${fw}`);
    const per = new Map(
      VARIANTS.map((v) => [v.id, { rps: [], ratio: [], errors: 0, unexpected: 0, checks: [] }]),
    );
    for (let r = 0; r < rounds; r++) {
      const roundRps = {};
      for (const v of rotate(VARIANTS, r)) {
        const { child, port } = await startServer(SERVER, [fw, v.id], 15_000);
        try {
          const url = `http://127.0.0.1:${port}/hello`;
          per.get(v.id).checks.push(await check(url, v));
          await load(url, warmSeconds);
          const res = await load(url, seconds);
          const rps = res.requests.total / res.duration;
          roundRps[v.id] = rps;
          const slot = per.get(v.id);
          slot.rps.push(rps);
          slot.errors += res.errors + res.timeouts;
          // Closed variants must answer 2xx only, open ones non-2xx only.
          slot.unexpected += v.set === 'open' ? res['2xx'] : res.non2xx;
          log?.(`  ${fw} round ${r + 1}/${rounds}  ${v.id}: ${Math.round(rps)} req/s`);
        } finally {
          await stopServer(child);
        }
      }
      for (const v of VARIANTS) {
        const floor = VARIANTS.find((f) => f.floor && f.set === v.set);
        per.get(v.id).ratio.push(roundRps[v.id] / roundRps[floor.id]);
      }
    }
    out[fw] = {
      label: FRAMEWORKS[fw],
      variants: Object.fromEntries(
        VARIANTS.map((v) => {
          const s = per.get(v.id);
          return [
            v.id,
            {
              label: v.label,
              set: v.set,
              floor: v.floor === true,
              perRound: { rps: s.rps, ratio: s.ratio },
              rps: summarize(s.rps),
              ratio: summarize(s.ratio),
              errors: s.errors,
              unexpected: s.unexpected,
            },
          ];
        }),
      ),
    };
  }
  return { seconds, warmSeconds, connections: 50, frameworks: out };
}

/** @param {any} result @param {{ rounds: number, title: string }} ctx */
function httpTables(result, { rounds, title }) {
  return Object.values(result.frameworks)
    .map((fw) => {
      const rows = Object.values(fw.variants).map((v) => [
        v.label,
        spread(v.rps, reqs),
        v.floor ? '1.00×' : spread(v.ratio, ratio),
        v.errors + v.unexpected === 0
          ? 'ok'
          : `${int(v.errors)} errors, ${int(v.unexpected)} unexpected statuses`,
      ]);
      return section(
        `${title}, ${fw.label}: GET /hello on 127.0.0.1`,
        table(['variant', 'throughput, median (range)', '× floor (bare, or plain 503)', 'responses'], rows),
        [
          `${rounds} round(s) of ${result.seconds} s per variant (after ${result.warmSeconds} s of warm-up), autocannon with ${result.connections} connections from the parent process, a fresh server process per run, variants alternating in a rotated order. The open breaker was opened with \`openFor(1 h)\` so its 503 carries \`Retry-After\`; the plain 503 writes the same status, headers and body by hand.`,
        ],
      );
    })
    .join('\n\n');
}

/** @param {'express' | 'koa'} fw */
function httpTargets(fw) {
  const name = fw === 'express' ? 'Express' : 'Koa';
  /** @param {any} r */
  const variants = (r) => r.frameworks?.[fw]?.variants;
  return [
    {
      name: `${name} with \`breaker()\` vs bare`,
      target: '≥ 0.97× req/s',
      limit: 0.97,
      atMost: false,
      /** @param {any} r */
      evaluate: (r) => {
        const v = variants(r);
        if (v === undefined) return undefined;
        return {
          rounds: v.breaker.perRound.ratio,
          fmt: ratio,
          others: `opossum-wrapped ${ratio(v.opossum.ratio.median)}`,
        };
      },
    },
    {
      name: `open path 503 vs plain sync 503, ${name}`,
      target: '≥ 0.95× req/s',
      limit: 0.95,
      atMost: false,
      /** @param {any} r */
      evaluate: (r) => {
        const v = variants(r);
        if (v === undefined) return undefined;
        return {
          rounds: v['breaker-open'].perRound.ratio,
          fmt: ratio,
          others: `opossum ${ratio(v['opossum-open'].ratio.median)}`,
        };
      },
    },
  ];
}

export const group = {
  id: 'http',
  title: 'HTTP',
  rounds: 3,
  run: runHttpGroup,
  table: httpTables,
  targets: [...httpTargets('express'), ...httpTargets('koa')],
};
