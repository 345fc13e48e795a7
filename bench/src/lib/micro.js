/**
 * Micro-benchmark harness. Every (case, round) runs in a fresh child process that measures the floor and
 * the case back to back (floor, case, floor) with mitata, so the ratio compares figures taken seconds
 * apart in one process, and no case inherits another's JIT feedback or globals.
 */
import { fileURLToPath } from 'node:url';
import { do_not_optimize, measure } from 'mitata';
import { runNodeOrThrow } from './child.js';
import { rotate, summarize } from './stats.js';

const CHILD = fileURLToPath(new URL('../children/micro-case.js', import.meta.url));

/** mitata settings per phase; `--quick` only proves the case runs. */
function settings(quick) {
  return quick
    ? { warmup: undefined, measured: { min_cpu_time: 5e6, min_samples: 2, batch_samples: 256 } }
    : {
        warmup: { min_cpu_time: 60e6, min_samples: 4 },
        measured: { min_cpu_time: 250e6, min_samples: 12 },
      };
}

async function p50(fn, opts) {
  const stats = await measure(fn, { ...opts });
  return stats.p50;
}

/**
 * In the child: measures `floor` and `subject` (both from the group's `make()` functions) and returns the
 * nanoseconds per call of each, as mitata's median sample.
 */
export async function measurePair(floor, subject, quick) {
  const s = settings(quick);
  if (s.warmup !== undefined) {
    await p50(floor, s.warmup);
    await p50(subject, s.warmup);
  }
  const f1 = await p50(floor, s.measured);
  const c = await p50(subject, s.measured);
  const f2 = quick ? f1 : await p50(floor, s.measured);
  return { floorNs: (f1 + f2) / 2, caseNs: c };
}

export { do_not_optimize };

/**
 * In the parent: runs every case of `group` for `rounds` rounds (the order rotates each round) and returns
 * per case the per-round ns and ratios to the floor of the same child.
 */
export async function runMicroGroup(group, { rounds, quick, log }) {
  const perCase = new Map(group.cases.map((c) => [c.id, { ns: [], ratio: [], floorNs: [], extra: [] }]));
  for (let r = 0; r < rounds; r++) {
    for (const c of rotate(group.cases, r)) {
      const res = await runNodeOrThrow(CHILD, [group.id, c.id, quick ? 'quick' : 'full'], {
        nodeArgs: ['--expose-gc'],
        timeoutMs: quick ? 30_000 : 120_000,
      });
      const slot = perCase.get(c.id);
      slot.ns.push(res.caseNs);
      slot.floorNs.push(res.floorNs);
      slot.ratio.push(res.caseNs / res.floorNs);
      if (res.extra !== undefined) slot.extra.push(res.extra);
      log?.(
        `  round ${r + 1}/${rounds}  ${c.label}: ${res.caseNs.toFixed(1)} ns, ${(res.caseNs / res.floorNs).toFixed(2)}× floor`,
      );
    }
  }
  const cases = {};
  for (const c of group.cases) {
    const s = perCase.get(c.id);
    cases[c.id] = {
      label: c.label,
      perRound: { ns: s.ns, ratio: s.ratio, floorNs: s.floorNs },
      ns: summarize(s.ns),
      ratio: summarize(s.ratio),
      addedNs: summarize(s.ns.map((v, i) => v - s.floorNs[i])),
      extra: s.extra,
    };
  }
  const allFloors = group.cases.flatMap((c) => perCase.get(c.id).floorNs);
  return { floor: { label: group.floorLabel, ns: summarize(allFloors) }, cases };
}
