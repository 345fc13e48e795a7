// @ts-check
/**
 * Child of the memory group: `node keepalive.js <library> <instances>`. Creates that many breakers of each rule,
 * uses every one (a success and a failure, and trips every tenth open), then simply returns. It must
 * then exit on its own: the parent gives it a time limit and kills it if a timer or handle holds it.
 */
import { report } from '../../lib/child.js';
import {
  ConsecutiveBreaker,
  CountBreaker,
  cockatiel,
  failing,
  ok,
  opossum,
  SamplingBreaker,
  tripswitch,
} from '../../lib/subjects.js';

const LIBRARIES = {
  tripswitch: {
    makes: [
      () => tripswitch({ failureThreshold: 1 }),
      () => tripswitch({ window: { type: 'count', size: 100 }, failureThreshold: 1 }),
      () => tripswitch({ window: { type: 'time', duration: 10_000 }, failureThreshold: 1, timeout: 5_000 }),
    ],
    succeed: (b) => b.execute(ok),
    fail: (b) => b.execute(failing),
  },
  cockatiel: {
    makes: [
      () => cockatiel(new ConsecutiveBreaker(1)),
      () => cockatiel(new CountBreaker({ threshold: 0.5, size: 100, minimumNumberOfCalls: 1 })),
      () => cockatiel(new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 0.001 })),
    ],
    succeed: (b) => b.execute(ok),
    fail: (b) => b.execute(failing),
  },
  opossum: {
    makes: [
      () => opossum(async (fail) => (fail ? failing() : 1)),
      () => opossum(async (fail) => (fail ? failing() : 1), { timeout: false }),
    ],
    succeed: (b) => b.fire(false),
    fail: (b) => b.fire(true),
    open: (b) => b.open(),
  },
};

const [name, countArg] = process.argv.slice(2);
const lib = LIBRARIES[name];
if (lib === undefined) throw new Error(`no library ${name}`);
const n = Number(countArg);
let created = 0;
for (const make of lib.makes) {
  for (let i = 0; i < n; i++) {
    const b = make();
    created++;
    await lib.succeed(b);
    if (i % 10 === 0) {
      // Trip it open: the consecutive and rate rules above open on this failure (opossum by open()).
      await lib.fail(b).catch(() => {});
      lib.open?.(b);
    }
  }
}
report({ created, doneAtMs: performance.now() });
