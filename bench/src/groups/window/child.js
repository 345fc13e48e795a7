// @ts-check
/**
 * Child of the window group: `node child.js <subject> <calls already in the window> <quick|full>`.
 * Fills a fresh breaker's window with that many successful calls (through the public API, awaited one by
 * one), then times failing calls one after another, and the failing floor in the same process.
 */
import { EventEmitter } from 'node:events';
import { report } from '../../lib/child.js';
import {
  BOOM,
  CountBreaker,
  cockatiel,
  failing,
  HOUR,
  NEVER,
  ok,
  opossum,
  SamplingBreaker,
  tripswitch,
} from '../../lib/subjects.js';

const TEN_MINUTES = 600_000;
/** Count windows hold every call of the largest size plus the failures measured. */
const COUNT_SIZE = 2 ** 20 + 2 ** 16;

/**
 * Each subject: `make()` returns `{ succeed, fail, closed }`. Rules are set so nothing opens: rates never
 * count (an unreachable minimum) or stay far below the threshold, and time windows outlast the run.
 */
export const SUBJECTS = {
  'ts-time': {
    label: 'tripswitch, time window (10 min, 10 buckets)',
    make() {
      const b = tripswitch({
        window: { type: 'time', duration: TEN_MINUTES },
        minimumCalls: NEVER,
        resetTimeout: HOUR,
      });
      return {
        succeed: () => b.execute(ok),
        fail: () => b.execute(failing),
        closed: () => b.state === 'closed',
      };
    },
  },
  'ts-count': {
    label: `tripswitch, count window of ${COUNT_SIZE.toLocaleString('en-US')}`,
    make() {
      const b = tripswitch({
        window: { type: 'count', size: COUNT_SIZE },
        minimumCalls: COUNT_SIZE,
        resetTimeout: HOUR,
      });
      return {
        succeed: () => b.execute(ok),
        fail: () => b.execute(failing),
        closed: () => b.state === 'closed',
      };
    },
  },
  'cockatiel-sampling': {
    label: 'cockatiel, `SamplingBreaker` (10 min)',
    make() {
      const b = cockatiel(new SamplingBreaker({ threshold: 0.5, duration: TEN_MINUTES, minimumRps: 1e12 }));
      return { succeed: () => b.execute(ok), fail: () => b.execute(failing), closed: () => b.state === 0 };
    },
  },
  'cockatiel-count': {
    label: `cockatiel, \`CountBreaker\` of ${COUNT_SIZE.toLocaleString('en-US')}`,
    make() {
      const b = cockatiel(new CountBreaker({ threshold: 0.5, size: COUNT_SIZE }));
      return { succeed: () => b.execute(ok), fail: () => b.execute(failing), closed: () => b.state === 0 };
    },
  },
  opossum: {
    label: 'opossum, defaults (percentiles on), window never rotated',
    make() {
      // The only change from the defaults: buckets rotate on our signal (never sent), so the window holds
      // exactly the calls made; otherwise a slow fill would lose its oldest calls after 10 s.
      const b = opossum(
        async (fail) => {
          if (fail) throw BOOM;
          return 1;
        },
        { rotateBucketController: new EventEmitter(), volumeThreshold: NEVER },
      );
      return { succeed: () => b.fire(false), fail: () => b.fire(true), closed: () => b.closed };
    },
  },
};

/** Failures timed per size, and the time budget that may cut them short (opossum's cost grows). */
export function plan(subject, quick) {
  if (subject === 'opossum') {
    return quick
      ? { failures: 20, budgetMs: 300, warmFailures: 50 }
      : { failures: 300, budgetMs: 3_000, warmFailures: 300 };
  }
  return quick
    ? { failures: 2_000, budgetMs: 300, warmFailures: 2_000 }
    : { failures: 20_000, budgetMs: 3_000, warmFailures: 20_000 };
}

async function timeFailures(fail, failures, budgetMs) {
  const deadline = performance.now() + budgetMs;
  const t0 = process.hrtime.bigint();
  let n = 0;
  // Check the clock every 64 failures; opossum's can take a second each, so it is checked after each.
  const every = failures <= 500 ? 1 : 64;
  while (n < failures) {
    try {
      await fail();
    } catch {}
    n++;
    if (n % every === 0 && performance.now() > deadline) break;
  }
  return { perFailureNs: Number(process.hrtime.bigint() - t0) / n, failures: n };
}

async function main() {
  const [id, sizeArg, mode] = process.argv.slice(2);
  const subject = SUBJECTS[id];
  if (subject === undefined) throw new Error(`no subject ${id}`);
  const size = Number(sizeArg);
  const quick = mode === 'quick';
  const p = plan(id, quick);

  // Warm the JIT on a breaker of its own, so the measured breaker's window holds only its own calls.
  const warm = subject.make();
  for (let i = 0; i < p.warmFailures; i++) {
    await warm.succeed();
    await warm.succeed();
    await warm.fail().catch(() => {});
  }
  const floor = await timeFailures(failing, p.warmFailures, p.budgetMs);

  const b = subject.make();
  const fill0 = performance.now();
  for (let i = 0; i < size; i++) await b.succeed();
  const fillMs = performance.now() - fill0;
  const measured = await timeFailures(b.fail, p.failures, p.budgetMs);
  if (!b.closed()) throw new Error(`${id} opened during the run`);
  const floorAfter = await timeFailures(failing, p.warmFailures, p.budgetMs);
  report({
    perFailureNs: measured.perFailureNs,
    failures: measured.failures,
    floorNs: (floor.perFailureNs + floorAfter.perFailureNs) / 2,
    fillMs,
  });
  process.exit(0);
}

if (process.argv[1] === new URL(import.meta.url).pathname) await main();
