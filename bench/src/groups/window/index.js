// @ts-check
/**
 * the cost of one failing call versus the calls already in the window. Each (subject, size,
 * round) runs in a fresh process that fills a new breaker's window with `size` successful calls and then
 * times failing calls. The ratio that matters is to the same subject's cost at size 0 in the same round.
 */
import { fileURLToPath } from 'node:url';
import { runNodeOrThrow } from '../../lib/child.js';
import { int, ns, ratio, spread, table } from '../../lib/format.js';
import { section } from '../../lib/report.js';
import { median, rotate, summarize } from '../../lib/stats.js';
import { perRound } from '../../lib/targets.js';
import { plan, SUBJECTS } from './child.js';

const CHILD = fileURLToPath(new URL('./child.js', import.meta.url));

export function sizesFor(quick) {
  return quick ? [0, 1_000, 10_000] : [0, 1_000, 10_000, 100_000, 1_000_000];
}

export async function runWindowGroup({ rounds, quick, log }) {
  const sizes = sizesFor(quick);
  const ids = Object.keys(SUBJECTS);
  const per = new Map();
  for (const id of ids)
    for (const size of sizes)
      per.set(`${id}@${size}`, { ns: [], floorNs: [], toZero: [], failures: [], fillMs: [] });
  for (let r = 0; r < rounds; r++) {
    for (const id of rotate(ids, r)) {
      let zero;
      for (const size of sizes) {
        const res = await runNodeOrThrow(CHILD, [id, String(size), quick ? 'quick' : 'full'], {
          timeoutMs: quick ? 30_000 : 180_000,
        });
        zero ??= res.perFailureNs;
        const slot = per.get(`${id}@${size}`);
        slot.ns.push(res.perFailureNs);
        slot.floorNs.push(res.floorNs);
        slot.toZero.push(res.perFailureNs / zero);
        slot.failures.push(res.failures);
        slot.fillMs.push(res.fillMs);
        log?.(
          `  round ${r + 1}/${rounds}  ${id} @ ${size}: ${Math.round(res.perFailureNs)} ns/failure over ${res.failures} failures`,
        );
      }
    }
  }
  const subjects = {};
  for (const id of ids) {
    const rows = {};
    for (const size of sizes) {
      const s = per.get(`${id}@${size}`);
      rows[size] = {
        perRound: s,
        ns: summarize(s.ns),
        toZero: summarize(s.toZero),
        toFloor: summarize(s.ns.map((v, i) => v / s.floorNs[i])),
        failures: summarize(s.failures),
      };
    }
    subjects[id] = { label: SUBJECTS[id].label, plan: plan(id, quick), sizes: rows };
  }
  return { sizes, subjects };
}

/** @param {any} result @param {{ rounds: number, title: string }} ctx */
function windowTable(result, { rounds, title }) {
  const rows = [];
  for (const s of Object.values(result.subjects)) {
    for (const size of result.sizes) {
      const r = s.sizes[size];
      rows.push([
        s.label,
        int(size),
        spread(r.ns, ns),
        spread(r.toZero, ratio),
        ratio(r.toFloor.median),
        r.failures.min === r.failures.max
          ? int(r.failures.median)
          : `${int(r.failures.min)}–${int(r.failures.max)}`,
      ]);
    }
  }
  const o = result.subjects.opossum.plan;
  const other = result.subjects['ts-time'].plan;
  return section(
    title,
    table(
      [
        'breaker',
        'calls in window',
        'time per failure, median (range)',
        '× cost at 0',
        '× failing floor',
        'failures timed',
      ],
      rows,
    ),
    [
      `${rounds} round(s). Each row: a fresh process fills a new breaker with that many successful calls (awaited one by one through the public API), then times up to ${int(other.failures)} failing calls (opossum: up to ${int(o.failures)}, or as many as fit in ${int(o.budgetMs)} ms, at least one).`,
      'opossum keeps its defaults (percentiles on) except `rotateBucketController`, so its window never rotates and holds exactly the calls made; `volumeThreshold` keeps it closed (it still computes its stats on every failure). Every failure sorts all latencies in the window: that is the growth.',
    ],
  );
}

export const group = {
  id: 'window',
  title: 'Failure cost versus calls already in the window',
  rounds: 3,
  run: runWindowGroup,
  table: windowTable,
  targets: [
    {
      name: 'failure cost at 1M calls in window',
      target: '≤ 1.5× the cost at 0',
      limit: 1.5,
      atMost: true,
      /** @param {any} w */
      evaluate: (w) => {
        const top = w.sizes[w.sizes.length - 1];
        /** @param {string} id @returns {number[]} */
        const at = (id) => w.subjects[id].sizes[top].perRound.toZero;
        return {
          rounds: perRound(at('ts-time'), at('ts-count'), Math.max),
          fmt: ratio,
          note: `at ${top.toLocaleString('en-US')} calls, the worse of time and count windows`,
          others: `opossum ${ratio(median(at('opossum')))} at ${top.toLocaleString('en-US')}`,
        };
      },
    },
  ],
};
