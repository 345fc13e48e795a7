/**
 * Group 4: the cost of one failing call versus the calls already in the window. Each (subject, size,
 * round) runs in a fresh process that fills a new breaker's window with `size` successful calls and then
 * times failing calls. The ratio that matters is to the same subject's cost at size 0 in the same round.
 */
import { fileURLToPath } from 'node:url';
import { plan, SUBJECTS } from '../children/failure-window.js';
import { runNodeOrThrow } from '../lib/child.js';
import { rotate, summarize } from '../lib/stats.js';

const CHILD = fileURLToPath(new URL('../children/failure-window.js', import.meta.url));

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
