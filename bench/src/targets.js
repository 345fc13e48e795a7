/**
 * The speed targets of issue 7, judged from the figures of one run. Every figure is a per-round value
 * (ratios are taken within a round: the same process, or adjacent runs), and the median over the rounds
 * decides. When the rounds fall on both sides of the limit, the verdict says so: one run on a noisy
 * machine does not settle such a target.
 */
import { bytes, ns, ratio } from './lib/format.js';
import { median, summarize } from './lib/stats.js';

const perRound = (xs, ys, f) => xs.map((x, i) => f(x, ys[i]));
const signedNs = (v) => `+${ns(v)}`;

/**
 * Each target: `limit`, `atMost` (true: the figure must stay at or below the limit), and `evaluate()`
 * returning `{ rounds, fmt, note?, others }`, or undefined when its group did not run.
 */
export const TARGETS = [
  {
    name: 'closed success, `execute()`',
    target: '≤ 2.0× bare `await fn()`',
    limit: 2.0,
    atMost: true,
    evaluate(r) {
      const o = r.success?.cases;
      if (o === undefined) return undefined;
      return {
        rounds: o['ts-execute'].perRound.ratio,
        fmt: ratio,
        others: `cockatiel ${ratio(o['cockatiel-consecutive'].ratio.median)}, opossum ${ratio(o['opossum-default'].ratio.median)} (${ratio(o['opossum-no-timeout'].ratio.median)} without timeout)`,
      };
    },
  },
  {
    name: 'closed success, permit API',
    target: '≤ 40 ns added over the floor',
    limit: 40,
    atMost: true,
    evaluate(r) {
      const c = r.success?.cases?.['ts-permit'];
      if (c === undefined) return undefined;
      return {
        rounds: perRound(c.perRound.ns, c.perRound.floorNs, (a, b) => a - b),
        fmt: signedNs,
        others: '—',
      };
    },
  },
  {
    name: 'closed success, time window rule',
    target: '≤ 2.5× bare',
    limit: 2.5,
    atMost: true,
    evaluate(r) {
      const o = r.success?.cases;
      if (o === undefined) return undefined;
      return {
        rounds: o['ts-time'].perRound.ratio,
        fmt: ratio,
        others: `cockatiel Sampling ${ratio(o['cockatiel-sampling'].ratio.median)}; tripswitch count window ${ratio(o['ts-count'].ratio.median)}`,
      };
    },
  },
  {
    name: 'closed failure',
    target: '≤ 1.3× the failing floor',
    limit: 1.3,
    atMost: true,
    evaluate(r) {
      const o = r.failure?.cases;
      if (o === undefined) return undefined;
      return {
        rounds: o['ts-execute'].perRound.ratio,
        fmt: ratio,
        others: `cockatiel ${ratio(o['cockatiel-consecutive'].ratio.median)}, opossum ${ratio(o['opossum-default'].ratio.median)} (percentiles off); tripswitch permit ${ratio(o['ts-permit'].ratio.median)}`,
      };
    },
  },
  {
    name: 'open rejection',
    target: "≤ 1/5 of cockatiel's rejection time",
    limit: 0.2,
    atMost: true,
    evaluate(r) {
      const o = r.open?.cases;
      if (o === undefined) return undefined;
      // Floor-normalised times of the same round, against the cheaper of cockatiel's two rejections.
      const ck = perRound(
        o['cockatiel-isolated'].perRound.ratio,
        o['cockatiel-tripped'].perRound.ratio,
        Math.min,
      );
      return {
        rounds: perRound(o['ts-execute'].perRound.ratio, ck, (a, b) => a / b),
        fmt: ratio,
        note: `of cockatiel's time; ${ns(o['ts-execute'].ns.median)} per rejection`,
        others: `cockatiel ${ns(o['cockatiel-isolated'].ns.median)} isolated / ${ns(o['cockatiel-tripped'].ns.median)} tripped, opossum ${ns(o['opossum-open'].ns.median)}`,
      };
    },
  },
  {
    name: 'failure cost at 1M calls in window',
    target: '≤ 1.5× the cost at 0',
    limit: 1.5,
    atMost: true,
    evaluate(r) {
      const w = r.window;
      if (w === undefined) return undefined;
      const top = w.sizes[w.sizes.length - 1];
      const at = (id) => w.subjects[id].sizes[top].perRound.toZero;
      return {
        rounds: perRound(at('ts-time'), at('ts-count'), Math.max),
        fmt: ratio,
        note: `at ${top.toLocaleString('en-US')} calls, the worse of time and count windows`,
        others: `opossum ${ratio(median(at('opossum')))} at ${top.toLocaleString('en-US')}`,
      };
    },
  },
  {
    name: 'bytes per breaker, consecutive rule',
    target: '≤ 600 B',
    limit: 600,
    atMost: true,
    evaluate(r) {
      const m = r.memory?.configs;
      if (m === undefined) return undefined;
      const used = (id) => perRound(m[id].perRound.newBytes, m[id].perRound.usedBytes, Math.max);
      return {
        rounds: used('ts-consecutive'),
        fmt: bytes,
        note: `${bytes(median(used('ts-consecutive-off')))} with telemetry off`,
        others: `cockatiel ${bytes(m['cockatiel-consecutive'].newBytes.median)}, opossum ${bytes(m.opossum.newBytes.median)}`,
      };
    },
  },
  {
    name: 'bytes per breaker, count window of 100',
    target: '≤ 1,000 B',
    limit: 1000,
    atMost: true,
    evaluate(r) {
      const m = r.memory?.configs;
      if (m === undefined) return undefined;
      const used = (id) => perRound(m[id].perRound.newBytes, m[id].perRound.usedBytes, Math.max);
      return {
        rounds: used('ts-count'),
        fmt: bytes,
        note: `${bytes(median(used('ts-count-off')))} with telemetry off`,
        others: `cockatiel ${bytes(m['cockatiel-count'].newBytes.median)}`,
      };
    },
  },
  {
    name: 'no SDK vs telemetry disabled',
    target: '≤ 1.10×',
    limit: 1.1,
    atMost: true,
    evaluate(r) {
      const t = r.telemetry?.cases;
      if (t === undefined) return undefined;
      const vsDisabled = (id) => perRound(t[id].perRound.ratio, t.disabled.perRound.ratio, (a, b) => a / b);
      return {
        rounds: vsDisabled('api-no-sdk'),
        fmt: ratio,
        others: `SDK registered: ${ratio(median(vsDisabled('sdk')))} of disabled`,
      };
    },
  },
  ...['express', 'koa'].flatMap((fw) => {
    const name = fw === 'express' ? 'Express' : 'Koa';
    const variants = (r) => r.http?.frameworks?.[fw]?.variants;
    return [
      {
        name: `${name} with \`breaker()\` vs bare${fw === 'koa' ? ' (the issue sets it for Express)' : ''}`,
        target: '≥ 0.97× req/s',
        limit: 0.97,
        atMost: false,
        evaluate(r) {
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
        evaluate(r) {
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
  }),
];

export function judge(results) {
  return TARGETS.map((t) => {
    const e = t.evaluate(results);
    if (e === undefined)
      return {
        name: t.name,
        target: t.target,
        met: undefined,
        shown: 'not run',
        verdict: 'not run',
        others: '—',
      };
    const s = summarize(e.rounds);
    const ok = (v) => (t.atMost ? v <= t.limit : v >= t.limit);
    const met = ok(s.median);
    const mixed = s.n > 1 && ok(s.min) !== ok(s.max);
    const range = s.n > 1 && s.min !== s.max ? ` (rounds ${e.fmt(s.min)} to ${e.fmt(s.max)})` : '';
    return {
      name: t.name,
      target: t.target,
      met,
      mixed,
      median: s.median,
      shown: `${e.fmt(s.median)}${range}${e.note ? `; ${e.note}` : ''}`,
      verdict: `${met ? 'met' : '**missed**'}${mixed ? (met ? ', not in every round' : ', met in some rounds') : ''}`,
      others: e.others,
    };
  });
}
