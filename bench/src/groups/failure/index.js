// @ts-check
/** Closed circuit, failing call (thresholds no run reaches): over a bare await of a rejecting function. */
import { ratio } from '../../lib/format.js';
import { microGroup } from '../../lib/micro.js';

export const group = microGroup({
  id: 'failure',
  title: 'Closed circuit, failing call (kept closed)',
  url: new URL('./cases.js', import.meta.url).href,
  notes: [
    'opossum runs with `rollingPercentilesEnabled: false` here: with percentiles on, every failure sorts all the latencies in its window, so its cost depends on how many calls came before (the window group measures exactly that).',
    'Every case checks after its run that the circuit is still closed.',
  ],
  targets: [
    {
      name: 'closed failure',
      target: '≤ 1.3× the failing floor',
      limit: 1.3,
      atMost: true,
      evaluate: ({ cases: o }) => ({
        rounds: o['ts-execute'].perRound.ratio,
        fmt: ratio,
        others: `cockatiel ${ratio(o['cockatiel-consecutive'].ratio.median)}, opossum ${ratio(o['opossum-default'].ratio.median)} (percentiles off); tripswitch permit ${ratio(o['ts-permit'].ratio.median)}`,
      }),
    },
  ],
});
