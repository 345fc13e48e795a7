// @ts-check
/**
 * Micro-benchmark harness. Every (case, round) runs in a fresh child process that measures the case's
 * floors and the case in turn with mitata, in {@link PASSES} passes whose order alternates (floors then
 * case, then case then floors in reverse, …), and takes each one's median pass; so a ratio compares figures
 * taken in one process with every figure measured early and late, and no case inherits another's JIT
 * feedback or globals.
 *
 * A cases module (a group's `cases.js`, loaded in the children) exports `floors` (id → { label, make }),
 * `cases` ([{ id, label, make, floors?, vs? }]: the floors a case is measured with, all by default, and
 * the one its ratio is to, the first by default) and optionally `setup(spec)`, run first in the child.
 * `make()` returns the function to measure, or `{ fn, after }` where `after()` checks (or reports) what the
 * case did once it was measured.
 */
import { fileURLToPath } from 'node:url';
import { measure } from 'mitata';
import { runNodeOrThrow } from './child.js';
import { ns, ratio, signed, spread, table } from './format.js';
import { section } from './report.js';
import { median, rotate, summarize } from './stats.js';

/**
 * @typedef {() => unknown} Measured
 * @typedef {Measured | { fn: Measured, after?: () => unknown }} Made
 * @typedef {{ label: string, make: (spec: CaseSpec) => Made | Promise<Made> }} FloorSpec
 * @typedef {{ id: string, label: string, make: () => Made | Promise<Made>, floors?: string[], vs?: string, [key: string]: unknown }} CaseSpec
 * @typedef {{ floors: Record<string, FloorSpec>, cases: CaseSpec[], setup?: (spec: CaseSpec) => unknown }} CasesModule
 */

const CHILD = fileURLToPath(new URL('./micro-child.js', import.meta.url));

/** @param {string} url @returns {Promise<CasesModule>} */
export async function loadCases(url) {
  return /** @type {CasesModule} */ (await import(url));
}

/** Measurements of every floor and the case per child, in alternating order (see `measureCase`). */
export const PASSES = 5;

/** mitata settings per phase; `--quick` only proves the case runs. @param {boolean} quick */
function settings(quick) {
  return quick
    ? { warmup: undefined, measured: { min_cpu_time: 5e6, min_samples: 2, batch_samples: 256 } }
    : {
        warmup: { min_cpu_time: 60e6, min_samples: 4 },
        measured: { min_cpu_time: 120e6, min_samples: 12 },
      };
}

/** @param {Measured} fn @param {object} opts */
async function p50(fn, opts) {
  return (await measure(fn, { ...opts })).p50;
}

/** @param {Made} made */
const fnOf = (made) => (typeof made === 'function' ? made : made.fn);

/** @param {CasesModule} mod @param {CaseSpec} spec */
export function floorIdsOf(mod, spec) {
  return spec.floors ?? Object.keys(mod.floors);
}

/**
 * In the child: builds and measures one case with its floors; returns ns per call (mitata's median
 * sample) of the case and of each floor, the median of its passes (one pass with `quick`).
 * @param {CasesModule} mod @param {string} caseId @param {boolean} quick
 */
export async function measureCase(mod, caseId, quick) {
  const spec = mod.cases.find((c) => c.id === caseId);
  if (spec === undefined) throw new Error(`no case ${caseId}`);
  await mod.setup?.(spec);
  const ids = floorIdsOf(mod, spec);
  /** @type {Measured[]} */
  const floors = [];
  for (const id of ids) floors.push(fnOf(await mod.floors[id].make(spec)));
  const made = await spec.make();
  const subject = fnOf(made);
  for (const f of [...floors, subject]) await f();
  const s = settings(quick);
  if (s.warmup !== undefined) for (const f of [...floors, subject]) await p50(f, s.warmup);
  // Passes of every floor and the case, in turn, the order reversed every other pass: where a measurement
  // falls in the child (its heap, its JIT state) moves it, so every figure is the median of its passes.
  const passes = quick ? 1 : PASSES;
  /** @type {number[][]} */
  const byFloor = floors.map(() => []);
  /** @type {number[]} */
  const byCase = [];
  for (let pass = 0; pass < passes; pass++) {
    const order = [...floors.keys(), -1];
    if (pass % 2 === 1) order.reverse();
    for (const i of order) {
      if (i < 0) byCase.push(await p50(subject, s.measured));
      else byFloor[i]?.push(await p50(/** @type {Measured} */ (floors[i]), s.measured));
    }
  }
  const caseNs = median(byCase);
  /** @type {Record<string, number>} */
  const floorNs = {};
  ids.forEach((id, i) => {
    floorNs[id] = median(/** @type {number[]} */ (byFloor[i]));
  });
  const extra = typeof made === 'function' || made.after === undefined ? undefined : await made.after();
  return { floorNs, caseNs, extra };
}

/**
 * In the parent: runs every case for `rounds` rounds (the order rotates each round) and returns per case
 * its per-round ns, the per-round ns of each of its floors, and its ratio to its `vs` floor.
 * @param {string} url the cases module
 * @param {{ rounds: number, quick: boolean, log?: (line: string) => void }} options
 */
export async function runMicroGroup(url, { rounds, quick, log }) {
  const mod = await loadCases(url);
  /** @type {Map<string, { ns: number[], ratio: number[], floors: Record<string, number[]>, extra: unknown[] }>} */
  const perCase = new Map();
  for (const c of mod.cases) {
    const floors = Object.fromEntries(floorIdsOf(mod, c).map((id) => [id, /** @type {number[]} */ ([])]));
    perCase.set(c.id, { ns: [], ratio: [], floors, extra: [] });
  }
  for (let r = 0; r < rounds; r++) {
    for (const c of rotate(mod.cases, r)) {
      const res = await runNodeOrThrow(CHILD, [url, c.id, quick ? 'quick' : 'full'], {
        nodeArgs: ['--expose-gc'],
        timeoutMs: quick ? 30_000 : 120_000,
      });
      const slot = /** @type {NonNullable<ReturnType<typeof perCase.get>>} */ (perCase.get(c.id));
      const vs = c.vs ?? floorIdsOf(mod, c)[0];
      slot.ns.push(res.caseNs);
      for (const [id, v] of Object.entries(res.floorNs)) slot.floors[id]?.push(v);
      slot.ratio.push(res.caseNs / res.floorNs[vs]);
      if (res.extra !== undefined) slot.extra.push(res.extra);
      log?.(
        `  round ${r + 1}/${rounds}  ${c.label}: ${res.caseNs.toFixed(1)} ns, ${(res.caseNs / res.floorNs[vs]).toFixed(2)}× ${vs}`,
      );
    }
  }
  /** @type {Record<string, any>} */
  const cases = {};
  /** @type {Record<string, number[]>} */
  const allFloors = {};
  for (const c of mod.cases) {
    const s = /** @type {NonNullable<ReturnType<typeof perCase.get>>} */ (perCase.get(c.id));
    const vs = c.vs ?? floorIdsOf(mod, c)[0];
    const vsNs = s.floors[vs];
    for (const [id, xs] of Object.entries(s.floors)) {
      allFloors[id] ??= [];
      allFloors[id].push(...xs);
    }
    cases[c.id] = {
      label: c.label,
      vs,
      perRound: { ns: s.ns, ratio: s.ratio, floorNs: vsNs, floors: s.floors },
      ns: summarize(s.ns),
      ratio: summarize(s.ratio),
      addedNs: summarize(s.ns.map((v, i) => v - vsNs[i])),
      extra: s.extra,
    };
  }
  const floors = Object.fromEntries(
    Object.entries(allFloors).map(([id, xs]) => [id, { label: mod.floors[id].label, ns: summarize(xs) }]),
  );
  const first = Object.keys(mod.floors)[0];
  return { floors, floor: floors[first], cases };
}

/**
 * The table of a micro group: its floors, then each case with its time, its ratio to its floor and what
 * it adds over it.
 * @param {string} title @param {any} result @param {number} rounds @param {string[]} [notes]
 */
export function microTable(title, result, rounds, notes = []) {
  const rows = Object.values(result.floors).map((f) => [f.label, spread(f.ns, ns), '1.00×', '—']);
  for (const c of Object.values(result.cases)) {
    rows.push([c.label, spread(c.ns, ns), spread(c.ratio, ratio), signed(c.addedNs.median)]);
  }
  return section(
    title,
    table(['case', 'time per call, median (range)', '× floor, median (range)', 'added over floor'], rows),
    [
      `${rounds} round(s); each case ran in a fresh process, measured with its floors in ${PASSES} passes of alternating order (the median pass of each).`,
      ...notes,
    ],
  );
}

/**
 * A micro group: its cases module runs in the children; the rest is the parent's.
 * @param {{ id: string, title: string, url: string, rounds?: number, notes?: string[], targets?: any[] }} def
 */
export function microGroup({ id, title, url, rounds = 5, notes = [], targets = [] }) {
  return {
    id,
    title,
    rounds,
    cases: url,
    /** @param {{ rounds: number, quick: boolean, log?: (line: string) => void }} ctx */
    run: (ctx) => runMicroGroup(url, ctx),
    /** @param {any} result @param {{ rounds: number, title: string }} ctx */
    table: (result, ctx) => microTable(ctx.title, result, ctx.rounds, notes),
    targets,
  };
}
