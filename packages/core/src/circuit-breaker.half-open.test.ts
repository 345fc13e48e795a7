import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { createTestClock } from './clock.js';
import type { StateChangeEvent } from './events.js';
import type { CircuitBreakerOptions } from './options.js';

/** A breaker on a test clock, tripped open by one failure, that records its transitions. */
function tripped(options: CircuitBreakerOptions = {}) {
  const clock = createTestClock();
  const breaker = new CircuitBreaker({
    telemetry: { enabled: false },
    clock,
    failureThreshold: 1,
    resetTimeout: 1000,
    ...options,
  });
  const changes: StateChangeEvent[] = [];
  breaker.on('stateChange', (e) => changes.push(e));
  breaker.acquire().failure(new Error('down'));
  return { breaker, clock, changes };
}

describe('CircuitBreaker half_open', () => {
  describe('a stateChange listener that moves the circuit during the open → half_open step', () => {
    it('re-opened (openFor): the call that triggered the step is rejected and nothing runs', async () => {
      const { breaker, clock } = tripped();
      breaker.on('stateChange', (e) => {
        if (e.to === 'half_open') breaker.openFor(10_000);
      });
      clock.advance(1000);
      expect(breaker.tryAcquire()).toBeUndefined();
      expect(breaker.state).toBe('open');
      expect(breaker.getMetrics()).toMatchObject({ inFlight: 0, rejectedCount: 1 });

      clock.advance(1000);
      let ran = false;
      const error = await breaker
        .execute(() => {
          ran = true;
        })
        .catch((e: unknown) => e);
      expect(ran).toBe(false);
      expect(error).toMatchObject({ code: 'CIRCUIT_OPEN', state: 'open', kind: 'circuit_open' });
      expect(breaker.getMetrics()).toMatchObject({ state: 'open', inFlight: 0 });
    });

    it('forced open: rejected; closed or disabled: admitted as a plain call, not a trial', () => {
      for (const [move, expected] of [
        ['forceOpen', undefined],
        ['close', false],
        ['disable', false],
      ] as const) {
        const { breaker, clock } = tripped();
        breaker.on('stateChange', (e) => {
          if (e.to === 'half_open') breaker[move]();
        });
        clock.advance(1000);
        expect(breaker.tryAcquire()?.trial, move).toBe(expected);
      }
    });
  });

  describe('halfOpenTimeout: a trial that never settles', () => {
    it('re-opens the circuit (trial_timeout) at the first call after halfOpenTimeout, and the stuck trial is stale', () => {
      const { breaker, clock, changes } = tripped({ halfOpenTimeout: 5000 });
      clock.advance(1000);
      const stuck = breaker.acquire(); // the trial; nobody ever settles it in time
      expect(stuck.trial).toBe(true);
      clock.advance(4999);
      expect(breaker.admit()).toMatchObject({ kind: 'half_open_full' });
      clock.advance(1);
      expect(breaker.admit()).toMatchObject({ state: 'open', kind: 'circuit_open', retryAfterMs: 1000 });
      expect(changes.at(-1)).toEqual({ from: 'half_open', to: 'open', reason: 'trial_timeout' });
      expect(breaker.getMetrics()).toMatchObject({ state: 'open', retryAfterMs: 1000, rejectedCount: 2 });

      clock.advance(1000);
      const fresh = breaker.acquire();
      expect(fresh.trial).toBe(true);
      stuck.failure(new Error('late')); // stale: counted, decides nothing
      expect(breaker.state).toBe('half_open');
      fresh.success();
      expect(breaker.state).toBe('closed');
    });

    it('defaults to resetTimeout, and a free slot is taken by a new trial instead', () => {
      const { breaker, clock } = tripped({ halfOpenMaxCalls: 2 });
      expect(breaker._options.halfOpenTimeout).toBe(1000);
      clock.advance(1000);
      breaker.acquire();
      clock.advance(5000);
      expect(breaker.acquire().trial).toBe(true); // a slot was free: no timeout yet
      expect(breaker.admit()).toMatchObject({ state: 'open', kind: 'circuit_open' });
      expect(breaker.getMetrics().inFlight).toBe(2);
    });

    it('rejects a negative or non-number halfOpenTimeout, naming it', () => {
      expect(() => new CircuitBreaker({ halfOpenTimeout: -1 })).toThrow(
        new RangeError('halfOpenTimeout must be a finite number of ms >= 0, got -1'),
      );
      expect(() => new CircuitBreaker({ halfOpenTimeout: '5' as never })).toThrow(TypeError);
    });
  });

  describe('the slow-call rule judges the trials', () => {
    const slowRule = {
      failureThreshold: 1,
      window: { type: 'count', size: 10 },
      slowCallDuration: 100,
    } as const;

    it('re-opens (slow_call_rate) when the successful trials are slow at the threshold', () => {
      const { breaker, clock, changes } = tripped({
        ...slowRule,
        halfOpenMaxCalls: 2,
        slowCallRateThreshold: 50,
      });
      clock.advance(1000);
      const fast = breaker.acquire();
      const slow = breaker.acquire();
      fast.success();
      clock.advance(100);
      slow.success();
      expect(breaker.state).toBe('open');
      expect(changes.at(-1)).toEqual({ from: 'half_open', to: 'open', reason: 'slow_call_rate' });
    });

    it('closes when the slow trials stay below the threshold', () => {
      const { breaker, clock } = tripped({ ...slowRule, halfOpenMaxCalls: 3, slowCallRateThreshold: 50 });
      clock.advance(1000);
      const trials = [breaker.acquire(), breaker.acquire(), breaker.acquire()];
      trials[0]?.success();
      trials[1]?.success();
      clock.advance(150);
      trials[2]?.success();
      expect(breaker.state).toBe('closed');
    });
  });
});
