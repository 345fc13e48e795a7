// @ts-check
/** Closed circuit, successful call: tripswitch, opossum and cockatiel over a bare `await fn()`. */

import { ratio, signed } from '../../lib/format.js';
import { microGroup } from '../../lib/micro.js';
import { perRound } from '../../lib/targets.js';

export const group = microGroup({
  id: 'success',
  title: 'Closed circuit, successful call',
  url: new URL('./cases.js', import.meta.url).href,
  notes: [
    "opossum's only rule is its rolling window (10 s, 10 buckets, percentiles on), so its default row is also the rate-rule row.",
    'tripswitch rows use default telemetry: @opentelemetry/api loaded, no SDK registered (the telemetry and SDK groups vary this).',
  ],
  targets: [
    {
      name: 'closed success, `execute()`',
      target: '≤ 2.0× bare `await fn()`',
      limit: 2.0,
      atMost: true,
      evaluate: ({ cases: o }) => ({
        rounds: o['ts-execute'].perRound.ratio,
        fmt: ratio,
        others: `cockatiel ${ratio(o['cockatiel-consecutive'].ratio.median)}, opossum ${ratio(o['opossum-default'].ratio.median)} (${ratio(o['opossum-no-timeout'].ratio.median)} without timeout)`,
      }),
    },
    {
      name: 'closed success, permit API',
      target: '≤ 40 ns added over the floor',
      limit: 40,
      atMost: true,
      evaluate: ({ cases: o }) => ({
        rounds: perRound(o['ts-permit'].perRound.ns, o['ts-permit'].perRound.floorNs, (a, b) => a - b),
        fmt: signed,
        others: '—',
      }),
    },
    {
      name: 'closed success, time window rule',
      target: '≤ 2.5× bare',
      limit: 2.5,
      atMost: true,
      evaluate: ({ cases: o }) => ({
        rounds: o['ts-time'].perRound.ratio,
        fmt: ratio,
        others: `cockatiel Sampling ${ratio(o['cockatiel-sampling'].ratio.median)}; tripswitch count window ${ratio(o['ts-count'].ratio.median)}`,
      }),
    },
  ],
});
