// @ts-check
/**
 * Child of the memory group, started with `--expose-gc`: `node --expose-gc child.js <config> <instances>`.
 * Heap bytes per breaker: `heapUsed` after a full GC, before and after creating (and holding) the
 * instances, then again after one successful call through each.
 */
import { report } from '../../lib/child.js';
import {
  ConsecutiveBreaker,
  CountBreaker,
  cockatiel,
  ok,
  opossum,
  SamplingBreaker,
  tripswitch,
} from '../../lib/subjects.js';

const viaExecute = (b) => b.execute(ok);
const viaFire = (b) => b.fire();

export const CONFIGS = {
  floor: {
    label: 'floor: a plain object `{ state, failures, openedAt }`',
    rule: '—',
    make: () => ({ state: 0, failures: 0, openedAt: 0 }),
    use: (o) => {
      o.failures = 0;
    },
  },
  'ts-consecutive': {
    label: 'tripswitch (defaults)',
    rule: 'consecutive',
    make: () => tripswitch(),
    use: viaExecute,
  },
  'ts-consecutive-off': {
    label: 'tripswitch, `telemetry: { enabled: false }`',
    rule: 'consecutive',
    make: () => tripswitch({ telemetry: { enabled: false } }),
    use: viaExecute,
  },
  'cockatiel-consecutive': {
    label: 'cockatiel `ConsecutiveBreaker(5)`',
    rule: 'consecutive',
    make: () => cockatiel(new ConsecutiveBreaker(5)),
    use: viaExecute,
  },
  'ts-count': {
    label: 'tripswitch (defaults)',
    rule: 'count window of 100',
    make: () => tripswitch({ window: { type: 'count', size: 100 } }),
    use: viaExecute,
  },
  'ts-count-off': {
    label: 'tripswitch, `telemetry: { enabled: false }`',
    rule: 'count window of 100',
    make: () => tripswitch({ window: { type: 'count', size: 100 }, telemetry: { enabled: false } }),
    use: viaExecute,
  },
  'cockatiel-count': {
    label: 'cockatiel `CountBreaker`',
    rule: 'count window of 100',
    make: () => cockatiel(new CountBreaker({ threshold: 0.5, size: 100 })),
    use: viaExecute,
  },
  'ts-time': {
    label: 'tripswitch (defaults)',
    rule: 'time window of 10 s',
    make: () => tripswitch({ window: { type: 'time', duration: 10_000 } }),
    use: viaExecute,
  },
  'cockatiel-sampling': {
    label: 'cockatiel `SamplingBreaker`',
    rule: 'time window of 10 s',
    make: () => cockatiel(new SamplingBreaker({ threshold: 0.5, duration: 10_000 })),
    use: viaExecute,
  },
  opossum: {
    label: 'opossum (defaults)',
    rule: 'time window of 10 s (its only rule)',
    make: () => opossum(ok),
    use: viaFire,
  },
};

function heapAfterGc() {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed;
}

async function main() {
  const [id, countArg] = process.argv.slice(2);
  const config = CONFIGS[id];
  if (config === undefined) throw new Error(`no memory config ${id}`);
  if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
  const n = Number(countArg);

  // Load whatever a library creates lazily on first use, so it is not charged to the instances.
  const warm = [];
  for (let i = 0; i < 100; i++) warm.push(config.make());
  for (const b of warm) await config.use(b);

  const held = new Array(n).fill(null);
  const before = heapAfterGc();
  for (let i = 0; i < n; i++) held[i] = config.make();
  const created = heapAfterGc();
  for (const b of held) await config.use(b);
  const used = heapAfterGc();
  report({
    newBytes: (created - before) / n,
    usedBytes: (used - before) / n,
    held: held.length + warm.length,
  });
  process.exit(0);
}

if (process.argv[1] === new URL(import.meta.url).pathname) await main();
