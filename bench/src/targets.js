/**
 * The speed targets of issue 7, judged from the figures of one run: every ratio is taken within a round
 * (same process or adjacent runs), and the median over the rounds decides.
 */
import { bytes, ns, ratio } from './lib/format.js';
import { median } from './lib/stats.js';

const perRound = (xs, ys, f) => xs.map((x, i) => f(x, ys[i]));

function micro(results, group, id) {
  return results[group]?.cases?.[id];
}

/** Each target: `evaluate(results)` returns `{ value, shown, others }` or undefined when its group did not run. */
export const TARGETS = [
  {
    name: 'closed success, `execute()`',
    target: '≤ 2.0× bare `await fn()`',
    evaluate(r) {
      const c = micro(r, 'success', 'ts-execute');
      if (c === undefined) return undefined;
      const o = r.success.cases;
      return {
        met: c.ratio.median <= 2.0,
        shown: ratio(c.ratio.median),
        others: `cockatiel ${ratio(o['cockatiel-consecutive'].ratio.median)}, opossum ${ratio(o['opossum-default'].ratio.median)} (${ratio(o['opossum-no-timeout'].ratio.median)} without timeout)`,
      };
    },
  },
  {
    name: 'closed success, permit API',
    target: '≤ 40 ns added over the floor',
    evaluate(r) {
      const c = micro(r, 'success', 'ts-permit');
      if (c === undefined) return undefined;
      return { met: c.addedNs.median <= 40, shown: `+${ns(c.addedNs.median)}`, others: '—' };
    },
  },
  {
    name: 'closed success, time window rule',
    target: '≤ 2.5× bare',
    evaluate(r) {
      const c = micro(r, 'success', 'ts-time');
      if (c === undefined) return undefined;
      const o = r.success.cases;
      return {
        met: c.ratio.median <= 2.5,
        shown: ratio(c.ratio.median),
        others: `cockatiel Sampling ${ratio(o['cockatiel-sampling'].ratio.median)}`,
      };
    },
  },
  {
    name: 'closed failure',
    target: '≤ 1.3× the failing floor',
    evaluate(r) {
      const c = micro(r, 'failure', 'ts-execute');
      if (c === undefined) return undefined;
      const o = r.failure.cases;
      return {
        met: c.ratio.median <= 1.3,
        shown: ratio(c.ratio.median),
        others: `cockatiel ${ratio(o['cockatiel-consecutive'].ratio.median)}, opossum ${ratio(o['opossum-default'].ratio.median)} (percentiles off)`,
      };
    },
  },
  {
    name: 'open rejection',
    target: "≤ 1/5 of cockatiel's rejection time",
    evaluate(r) {
      const c = micro(r, 'open', 'ts-execute');
      if (c === undefined) return undefined;
      const o = r.open.cases;
      // Floor-normalised times of the same round, against the cheaper of cockatiel's two rejections.
      const ck = perRound(
        o['cockatiel-isolated'].perRound.ratio,
        o['cockatiel-tripped'].perRound.ratio,
        Math.min,
      );
      const share = median(perRound(c.perRound.ratio, ck, (a, b) => a / b));
      return {
        met: share <= 0.2,
        shown: `${ratio(share)} cockatiel's (${ns(c.ns.median)})`,
        others: `cockatiel ${ns(o['cockatiel-isolated'].ns.median)} isolated / ${ns(o['cockatiel-tripped'].ns.median)} tripped, opossum ${ns(o['opossum-open'].ns.median)}`,
      };
    },
  },
  {
    name: 'failure cost at 1M calls in window',
    target: '≤ 1.5× the cost at 0',
    evaluate(r) {
      const w = r.window;
      if (w === undefined) return undefined;
      const top = w.sizes[w.sizes.length - 1];
      const worst = Math.max(
        w.subjects['ts-time'].sizes[top].toZero.median,
        w.subjects['ts-count'].sizes[top].toZero.median,
      );
      const opossumTop = Object.keys(w.subjects.opossum.sizes).map(Number).at(-1);
      return {
        met: worst <= 1.5,
        shown: `${ratio(worst)} at ${top.toLocaleString('en-US')} (worse of time and count windows)`,
        others: `opossum ${ratio(w.subjects.opossum.sizes[opossumTop].toZero.median)} at ${opossumTop.toLocaleString('en-US')}`,
      };
    },
  },
  {
    name: 'bytes per breaker, consecutive rule',
    target: '≤ 600 B',
    evaluate(r) {
      const m = r.memory?.configs;
      if (m === undefined) return undefined;
      const v = Math.max(m['ts-consecutive'].newBytes.median, m['ts-consecutive'].usedBytes.median);
      return {
        met: v <= 600,
        shown: `${bytes(v)} (${bytes(Math.max(m['ts-consecutive-off'].newBytes.median, m['ts-consecutive-off'].usedBytes.median))} with telemetry off)`,
        others: `cockatiel ${bytes(m['cockatiel-consecutive'].newBytes.median)}, opossum ${bytes(m.opossum.newBytes.median)}`,
      };
    },
  },
  {
    name: 'bytes per breaker, count window of 100',
    target: '≤ 1,000 B',
    evaluate(r) {
      const m = r.memory?.configs;
      if (m === undefined) return undefined;
      const v = Math.max(m['ts-count'].newBytes.median, m['ts-count'].usedBytes.median);
      return {
        met: v <= 1000,
        shown: `${bytes(v)} (${bytes(Math.max(m['ts-count-off'].newBytes.median, m['ts-count-off'].usedBytes.median))} with telemetry off)`,
        others: `cockatiel ${bytes(m['cockatiel-count'].newBytes.median)}`,
      };
    },
  },
  {
    name: 'no SDK vs telemetry disabled',
    target: '≤ 1.10×',
    evaluate(r) {
      const t = r.telemetry?.cases;
      if (t === undefined) return undefined;
      const v = median(perRound(t['api-no-sdk'].perRound.ratio, t.disabled.perRound.ratio, (a, b) => a / b));
      return {
        met: v <= 1.1,
        shown: ratio(v),
        others: `SDK registered: ${ratio(median(perRound(t.sdk.perRound.ratio, t.disabled.perRound.ratio, (a, b) => a / b)))} of disabled`,
      };
    },
  },
  ...['express', 'koa'].flatMap((fw) => [
    {
      name: `${fw === 'express' ? 'Express' : 'Koa'} with \`breaker()\` vs bare${fw === 'koa' ? ' (the issue sets it for Express)' : ''}`,
      target: '≥ 0.97× req/s',
      evaluate(r) {
        const v = r.http?.frameworks?.[fw]?.variants;
        if (v === undefined) return undefined;
        return {
          met: v.breaker.ratio.median >= 0.97,
          shown: ratio(v.breaker.ratio.median),
          others: `opossum-wrapped ${ratio(v.opossum.ratio.median)}`,
        };
      },
    },
    {
      name: `open path 503 vs plain sync 503, ${fw === 'express' ? 'Express' : 'Koa'}`,
      target: '≥ 0.95× req/s',
      evaluate(r) {
        const v = r.http?.frameworks?.[fw]?.variants;
        if (v === undefined) return undefined;
        return {
          met: v['breaker-open'].ratio.median >= 0.95,
          shown: ratio(v['breaker-open'].ratio.median),
          others: `opossum ${ratio(v['opossum-open'].ratio.median)}`,
        };
      },
    },
  ]),
];

export function judge(results) {
  return TARGETS.map((t) => {
    const e = t.evaluate(results);
    return { name: t.name, target: t.target, ...(e ?? { met: undefined, shown: 'not run', others: '—' }) };
  });
}
