// @ts-check
/**
 * Overload: one broken route under ten times the load the app can serve, one healthy route beside it.
 * Per round and variant a fresh Express server process (server.js) is measured three times with
 * autocannon: the broken route's capacity (as fast as it answers, no breaker in the way: the `none`
 * server), the healthy route alone at a steady rate (its baseline p99), then the healthy route at the same
 * rate while the broken one is offered 10× its capacity. The target: with `breaker()` on the broken route,
 * the healthy route's p99 stays within 2× of its baseline. The `none` variant shows what it guards against.
 */
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import { int, ratio, table } from '../../lib/format.js';
import { section } from '../../lib/report.js';
import { startServer, stopServer } from '../../lib/server-process.js';
import { rotate, summarize } from '../../lib/stats.js';

const SERVER = fileURLToPath(new URL('./server.js', import.meta.url));

export const VARIANTS = [
  { id: 'breaker', label: '`breaker()` on the broken route' },
  { id: 'none', label: 'no breaker' },
];

/** The healthy route's steady load: requests per second, over a few connections. */
const HEALTHY_RATE = 200;
const OVERLOAD_FACTOR = 10;

/** @param {string} url @param {number} seconds @param {{ connections: number, rate?: number }} o */
function load(url, seconds, { connections, rate }) {
  return autocannon({
    url,
    connections,
    pipelining: 1,
    duration: seconds,
    timeout: 10,
    ...(rate === undefined ? {} : { overallRate: rate }),
  });
}

/** @param {import('autocannon').Result} res */
const rps = (res) => res.requests.total / res.duration;

/** @param {import('../index.js').RunContext} ctx */
export async function runOverloadGroup({ rounds, quick, log }) {
  const seconds = quick ? 0.5 : 4;
  const warmSeconds = quick ? 0.2 : 1;
  const per = new Map(
    VARIANTS.map((v) => [v.id, { base: [], over: [], ratio: [], offered: [], brokenRps: [], errors: 0 }]),
  );
  const capacities = [];
  for (let r = 0; r < rounds; r++) {
    // The capacity the overload is measured against: the broken route answered as fast as it can.
    const bare = await startServer(SERVER, ['none'], 15_000);
    let capacity;
    try {
      await load(`http://127.0.0.1:${bare.port}/broken`, warmSeconds, { connections: 10 });
      capacity = rps(await load(`http://127.0.0.1:${bare.port}/broken`, seconds, { connections: 10 }));
      capacities.push(capacity);
    } finally {
      await stopServer(bare.child);
    }
    for (const v of rotate(VARIANTS, r)) {
      const { child, port } = await startServer(SERVER, [v.id], 15_000);
      try {
        const base = `http://127.0.0.1:${port}`;
        const healthy = () => load(`${base}/healthy`, seconds, { connections: 4, rate: HEALTHY_RATE });
        await load(`${base}/healthy`, warmSeconds, { connections: 4 });
        const alone = await healthy();
        const offered = OVERLOAD_FACTOR * capacity;
        const [during, brokenRes] = await Promise.all([
          healthy(),
          load(`${base}/broken`, seconds, { connections: 50, rate: offered }),
        ]);
        const slot = per.get(v.id);
        slot.base.push(alone.latency.p99);
        slot.over.push(during.latency.p99);
        slot.ratio.push(during.latency.p99 / Math.max(alone.latency.p99, 1));
        slot.offered.push(offered);
        slot.brokenRps.push(rps(brokenRes));
        slot.errors += alone.errors + alone.timeouts + during.errors + during.timeouts + during.non2xx;
        log?.(
          `  round ${r + 1}/${rounds} ${v.id}: healthy p99 ${alone.latency.p99} → ${during.latency.p99} ms, broken ${Math.round(rps(brokenRes))} of ${Math.round(offered)} req/s offered`,
        );
      } finally {
        await stopServer(child);
      }
    }
  }
  return {
    seconds,
    warmSeconds,
    healthyRate: HEALTHY_RATE,
    factor: OVERLOAD_FACTOR,
    capacity: summarize(capacities),
    variants: summarizeVariants(per),
  };
}

/** Per variant: medians and ranges of what the rounds measured, and the per-round ratios the target reads. */
function summarizeVariants(per) {
  /** @type {Record<string, any>} */
  const out = {};
  for (const { id, label } of VARIANTS) {
    const { base, over, ratio: ratios, offered, brokenRps, errors } = per.get(id);
    out[id] = {
      label,
      errors,
      perRound: { ratio: ratios },
      base: summarize(base),
      over: summarize(over),
      ratio: summarize(ratios),
      offered: summarize(offered),
      brokenRps: summarize(brokenRps),
    };
  }
  return out;
}

/** @param {number} ms */
const msFmt = (ms) => `${ms.toFixed(ms < 10 ? 1 : 0)} ms`;

/** @param {any} result @param {{ rounds: number, title: string }} ctx */
function overloadTable(result, { rounds, title }) {
  const rows = Object.values(result.variants).map((v) => [
    v.label,
    msFmt(v.base.median),
    msFmt(v.over.median),
    ratio(v.ratio.median),
    `${int(v.brokenRps.median)} of ${int(v.offered.median)}`,
    v.errors === 0 ? 'ok' : `${int(v.errors)} errors or non-2xx`,
  ]);
  return section(
    `${title}: a healthy route beside a broken one under ${result.factor}× its capacity (Express 5, 127.0.0.1)`,
    table(
      [
        'variant',
        'healthy p99, alone',
        'healthy p99, overload',
        '× baseline',
        'broken route: answered of offered req/s',
        'healthy responses',
      ],
      rows,
    ),
    [
      `${rounds} round(s); medians. The broken route burns 2 ms of CPU per request and answers 500; its capacity (answered as fast as it can, no breaker) was ${int(result.capacity.median)} req/s, and the overload offers ${result.factor}× that over 50 connections while the healthy route gets ${result.healthyRate} req/s over 4 connections, ${result.seconds} s each, autocannon from the parent process, a fresh server process per run.`,
    ],
  );
}

export const group = {
  id: 'overload',
  title: 'Overload',
  rounds: 3,
  run: runOverloadGroup,
  table: overloadTable,
  targets: [
    {
      name: 'healthy route p99 beside a broken route under 10× its capacity, `breaker()` on it',
      target: '≤ 2× its p99 alone',
      limit: 2,
      atMost: true,
      /** @param {any} r */
      evaluate: (r) => {
        const v = r.variants;
        if (v === undefined) return undefined;
        return {
          rounds: v.breaker.perRound.ratio,
          fmt: ratio,
          others: `no breaker ${ratio(v.none.ratio.median)}`,
        };
      },
    },
  ],
};
