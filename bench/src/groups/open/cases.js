// @ts-check
/**
 * an open circuit rejecting a call. Floor: the failing floor of the failure group (a bare await of a
 * rejecting async function with a pre-allocated error), so the ratio shows what a rejection costs over
 * the cheapest possible rejected await. Each case checks once that it rejects with the library's
 * open-circuit error before it is measured.
 */
import { isCircuitOpenError } from '@tripswitch/core';
import { do_not_optimize } from 'mitata';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  catching,
  cockatiel,
  expectRejection,
  failing,
  HOUR,
  IsolatedCircuitError,
  ok,
  opossum,
  tripswitch,
} from '../../lib/subjects.js';

async function trippedTripswitch(options = {}) {
  const b = tripswitch({ failureThreshold: 1, resetTimeout: HOUR, ...options });
  await b.execute(failing).catch(() => {});
  if (b.state !== 'open') throw new Error(`tripswitch did not open (state ${b.state})`);
  await expectRejection(b.execute(ok), isCircuitOpenError, 'tripswitch');
  return b;
}

export const floors = {
  floor: {
    label: 'floor: `try { await fn() } catch {}`, pre-allocated error',
    make: () => catching(failing),
  },
};

/** @type {import('../../lib/micro.js').CaseSpec[]} */
export const cases = [
  {
    id: 'ts-execute',
    label: 'tripswitch `execute()`, tripped open',
    make: async () => {
      const b = await trippedTripswitch();
      return catching(() => b.execute(ok));
    },
  },
  {
    id: 'ts-execute-stack',
    label: 'tripswitch `execute()`, tripped open, `rejectionStackTraces: true`',
    make: async () => {
      const b = await trippedTripswitch({ rejectionStackTraces: true });
      return catching(() => b.execute(ok));
    },
  },
  {
    id: 'ts-try-acquire',
    label: 'tripswitch `tryAcquire()` → `undefined`, tripped open (synchronous)',
    make: async () => {
      const b = await trippedTripswitch();
      if (b.tryAcquire() !== undefined) throw new Error('tryAcquire() admitted a call on an open circuit');
      return () => do_not_optimize(b.tryAcquire());
    },
  },
  {
    id: 'opossum-open',
    label: 'opossum `fire()` after `open()`',
    make: async () => {
      const b = opossum(ok, { resetTimeout: HOUR });
      b.open();
      await expectRejection(b.fire(), (e) => e?.code === 'EOPENBREAKER', 'opossum');
      return catching(() => b.fire());
    },
  },
  {
    id: 'cockatiel-isolated',
    label: 'cockatiel `execute()` after `isolate()`',
    make: async () => {
      const b = cockatiel(new ConsecutiveBreaker(5));
      b.isolate();
      await expectRejection(b.execute(ok), (e) => e instanceof IsolatedCircuitError, 'cockatiel');
      return catching(() => b.execute(ok));
    },
  },
  {
    id: 'cockatiel-tripped',
    label: 'cockatiel `execute()`, tripped open (`ConsecutiveBreaker(1)`)',
    make: async () => {
      const b = cockatiel(new ConsecutiveBreaker(1));
      await b.execute(failing).catch(() => {});
      await expectRejection(b.execute(ok), (e) => e instanceof BrokenCircuitError, 'cockatiel');
      return catching(() => b.execute(ok));
    },
  },
];
