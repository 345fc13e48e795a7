// @ts-check
/** A closed circuit and a call that succeeds. Floor: `await fn()` of an async function. */
import {
  ConsecutiveBreaker,
  CountBreaker,
  cockatiel,
  ok,
  opossum,
  SamplingBreaker,
  tripswitch,
} from '../../lib/subjects.js';

export const floors = {
  floor: { label: 'floor: `await fn()`', make: () => () => ok() },
};

/** @type {import('../../lib/micro.js').CaseSpec[]} */
export const cases = [
  {
    id: 'ts-execute',
    label: 'tripswitch `execute()` (5 consecutive failures)',
    make: () => {
      const b = tripswitch();
      return () => b.execute(ok);
    },
  },
  {
    id: 'ts-permit',
    label: 'tripswitch `tryAcquire()` + `success()`',
    make: () => {
      const b = tripswitch();
      return () => {
        const permit = b.tryAcquire();
        permit.success();
        return ok();
      };
    },
  },
  {
    id: 'opossum-default',
    label: 'opossum `fire()`, defaults (rolling 10 s window, timeout 10 s)',
    make: () => {
      const b = opossum(ok);
      return () => b.fire();
    },
  },
  {
    id: 'opossum-no-timeout',
    label: 'opossum `fire()`, `timeout: false`',
    make: () => {
      const b = opossum(ok, { timeout: false });
      return () => b.fire();
    },
  },
  {
    id: 'cockatiel-consecutive',
    label: 'cockatiel `execute()`, `ConsecutiveBreaker(5)`',
    make: () => {
      const b = cockatiel(new ConsecutiveBreaker(5));
      return () => b.execute(ok);
    },
  },
  {
    id: 'ts-count',
    label: 'tripswitch `execute()`, count window of 100',
    make: () => {
      const b = tripswitch({ window: { type: 'count', size: 100 } });
      return () => b.execute(ok);
    },
  },
  {
    id: 'ts-time',
    label: 'tripswitch `execute()`, time window of 10 s',
    make: () => {
      const b = tripswitch({ window: { type: 'time', duration: 10_000 } });
      return () => b.execute(ok);
    },
  },
  {
    id: 'cockatiel-count',
    label: 'cockatiel `execute()`, `CountBreaker` of 100',
    make: () => {
      const b = cockatiel(new CountBreaker({ threshold: 0.5, size: 100 }));
      return () => b.execute(ok);
    },
  },
  {
    id: 'cockatiel-sampling',
    label: 'cockatiel `execute()`, `SamplingBreaker` of 10 s',
    make: () => {
      const b = cockatiel(new SamplingBreaker({ threshold: 0.5, duration: 10_000 }));
      return () => b.execute(ok);
    },
  },
];
