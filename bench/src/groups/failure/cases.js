// @ts-check
/**
 * a closed circuit and a call that fails, with thresholds no run can reach, so the circuit stays
 * closed. Floor: a bare await of an async function that rejects with a pre-allocated error.
 */
import {
  ConsecutiveBreaker,
  catching,
  cockatiel,
  failing,
  NEVER,
  opossum,
  SamplingBreaker,
  tripswitch,
} from '../../lib/subjects.js';

function checkClosed(isClosed, what) {
  return () => {
    if (!isClosed()) throw new Error(`${what} opened during the run: raise its threshold`);
    return undefined;
  };
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
    label: 'tripswitch `execute()` (consecutive rule, unreachable threshold)',
    make: () => {
      const b = tripswitch({ failureThreshold: NEVER });
      return {
        fn: catching(() => b.execute(failing)),
        after: checkClosed(() => b.state === 'closed', 'tripswitch'),
      };
    },
  },
  {
    id: 'ts-permit',
    label: 'tripswitch `tryAcquire()` + `failure(error)`',
    make: () => {
      const b = tripswitch({ failureThreshold: NEVER });
      return {
        fn: async () => {
          const permit = b.tryAcquire();
          try {
            await failing();
          } catch (error) {
            permit.failure(error);
          }
        },
        after: checkClosed(() => b.state === 'closed', 'tripswitch'),
      };
    },
  },
  {
    id: 'ts-time',
    label: 'tripswitch `execute()`, time window of 10 s (`minimumCalls` unreachable)',
    make: () => {
      const b = tripswitch({ window: { type: 'time', duration: 10_000 }, minimumCalls: NEVER });
      return {
        fn: catching(() => b.execute(failing)),
        after: checkClosed(() => b.state === 'closed', 'tripswitch'),
      };
    },
  },
  {
    id: 'opossum-default',
    label: 'opossum `fire()`, defaults but `rollingPercentilesEnabled: false`',
    make: () => {
      const b = opossum(failing, { volumeThreshold: NEVER, rollingPercentilesEnabled: false });
      return { fn: catching(() => b.fire()), after: checkClosed(() => b.closed, 'opossum') };
    },
  },
  {
    id: 'opossum-no-timeout',
    label: 'opossum `fire()`, `timeout: false`, `rollingPercentilesEnabled: false`',
    make: () => {
      const b = opossum(failing, {
        timeout: false,
        volumeThreshold: NEVER,
        rollingPercentilesEnabled: false,
      });
      return { fn: catching(() => b.fire()), after: checkClosed(() => b.closed, 'opossum') };
    },
  },
  {
    id: 'cockatiel-consecutive',
    label: 'cockatiel `execute()`, `ConsecutiveBreaker` (unreachable threshold)',
    make: () => {
      const b = cockatiel(new ConsecutiveBreaker(NEVER));
      return {
        fn: catching(() => b.execute(failing)),
        after: checkClosed(() => b.state === 0, 'cockatiel'),
      };
    },
  },
  {
    id: 'cockatiel-sampling',
    label: 'cockatiel `execute()`, `SamplingBreaker` of 10 s (`minimumRps` unreachable)',
    make: () => {
      const b = cockatiel(new SamplingBreaker({ threshold: 0.5, duration: 10_000, minimumRps: 1e12 }));
      return {
        fn: catching(() => b.execute(failing)),
        after: checkClosed(() => b.state === 0, 'cockatiel'),
      };
    },
  },
];
