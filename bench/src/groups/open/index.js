// @ts-check
/** Open circuit, rejected call: over the cheapest rejected await (the failing floor). */
import { ns, ratio } from '../../lib/format.js';
import { microGroup } from '../../lib/micro.js';
import { perRound } from '../../lib/targets.js';

export const group = microGroup({
  id: 'open',
  title: 'Open circuit, rejected call',
  url: new URL('./cases.js', import.meta.url).href,
  notes: [
    'tripswitch builds its `CircuitOpenError` without a stack trace by default (`rejectionStackTraces: true` turns them on: its own row); opossum and cockatiel build a new `Error` with a stack per rejection.',
    'The `tryAcquire()` row is synchronous (no await), as an adapter uses it: compare its ns, not its ratio.',
  ],
  targets: [
    {
      name: 'open rejection',
      target: "≤ 1/5 of cockatiel's rejection time",
      limit: 0.2,
      atMost: true,
      evaluate: ({ cases: o }) => {
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
  ],
});
