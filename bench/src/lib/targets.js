// @ts-check
/**
 * Judges speed targets from the figures of one run. Every figure is a per-round value (ratios are taken
 * within a round: the same process, or adjacent runs), and the median over the rounds decides. When the
 * rounds fall on both sides of the limit, the verdict says so: one run on a noisy machine does not settle
 * such a target.
 */
import { table } from './format.js';
import { section } from './report.js';
import { summarize } from './stats.js';

/**
 * A target of a group: `evaluate(result)` gets the group's own result and returns the per-round figures.
 * @typedef {object} Target
 * @property {string} name
 * @property {string} target
 * @property {number} limit
 * @property {boolean} atMost true: the figure must stay at or below the limit
 * @property {(result: any) => { rounds: number[], fmt: (v: number) => string, note?: string, others: string } | undefined} evaluate
 */

/** Element-wise `f(xs[i], ys[i])`. @param {number[]} xs @param {number[]} ys @param {(a: number, b: number) => number} f */
export const perRound = (xs, ys, f) => xs.map((x, i) => f(x, ys[i] ?? Number.NaN));

/** @param {Target} t @param {any} result */
export function judge(t, result) {
  const e = result === undefined ? undefined : t.evaluate(result);
  if (e === undefined)
    return { name: t.name, target: t.target, shown: 'not run', verdict: 'not run', others: '—' };
  const s = summarize(e.rounds);
  /** @param {number} v */
  const ok = (v) => (t.atMost ? v <= t.limit : v >= t.limit);
  const met = ok(s.median);
  const mixed = s.n > 1 && ok(s.min) !== ok(s.max);
  const range = s.n > 1 && s.min !== s.max ? ` (rounds ${e.fmt(s.min)} to ${e.fmt(s.max)})` : '';
  return {
    name: t.name,
    target: t.target,
    met,
    median: s.median,
    shown: `${e.fmt(s.median)}${range}${e.note ? `; ${e.note}` : ''}`,
    verdict: `${met ? 'met' : '**missed**'}${mixed ? (met ? ', not in every round' : ', met in some rounds') : ''}`,
    others: e.others,
  };
}

/** @param {ReturnType<typeof judge>[]} judged */
export function targetsTable(judged) {
  const rows = judged.map((t) => [t.name, t.target, t.shown, t.verdict, t.others]);
  return section(
    'Targets',
    table(['case', 'target', 'this run', 'verdict', 'others, this run'], rows, ['l', 'l', 'l', 'l', 'l']),
    [
      'From the same run; a verdict is the median over the rounds, and says when the rounds fell on both sides of the limit.',
    ],
  );
}
