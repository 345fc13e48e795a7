import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { createTestClock, type TestClock } from './clock.js';
import {
  CallTimeoutError,
  CircuitBreakerError,
  CircuitOpenError,
  isCallTimeoutError,
  isCircuitBreakerError,
  isCircuitOpenError,
} from './errors.js';
import type { StateChangeEvent } from './events.js';
import type { CircuitBreakerOptions } from './options.js';
import type { BreakerSnapshot } from './snapshot.js';
import { CircuitState } from './state.js';

const off = { telemetry: { enabled: false } } as const;

class NotFound extends Error {}
class Gone extends NotFound {}

/** A breaker on a test clock that records its transitions. */
function setup<F = never>(options: CircuitBreakerOptions<F> = {}) {
  const clock = createTestClock();
  const breaker = new CircuitBreaker<F>({ ...off, clock, ...options });
  const changes: StateChangeEvent[] = [];
  breaker.on('stateChange', (e) => changes.push(e));
  return { breaker, clock, changes };
}

type Acquirer = Pick<CircuitBreaker, 'acquire'>;
const succeed = (b: Acquirer, times = 1) => {
  for (let i = 0; i < times; i++) b.acquire().success();
};
const fail = (b: Acquirer, times = 1) => {
  for (let i = 0; i < times; i++) b.acquire().failure(new Error('boom'));
};
/** The open period ends exactly `ms` from now: still open 1 ms before, half_open at `ms`. */
function expectHalfOpenIn(b: Pick<CircuitBreaker, 'state'>, clock: TestClock, ms: number): void {
  clock.advance(ms - 1);
  expect(b.state).toBe('open');
  clock.advance(1);
  expect(b.state).toBe('half_open');
}
/** What `fn` throws, or fails the test if it returns. */
function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}
/** Rejects with what `p` rejects with, or fails the test if it resolves. */
async function rejection(p: Promise<unknown>): Promise<unknown> {
  return p.then(
    (value) => {
      throw new Error(`expected a rejection, got ${String(value)}`);
    },
    (error: unknown) => error,
  );
}

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('CircuitBreaker', () => {
  it('starts closed with zeroed metrics of the documented shape', () => {
    const { breaker } = setup();
    expect(breaker.name).toBe('default');
    expect(breaker.state).toBe(CircuitState.Closed);
    expect(breaker.getMetrics()).toEqual({
      name: 'default',
      state: 'closed',
      successCount: 0,
      failureCount: 0,
      ignoredCount: 0,
      rejectedCount: 0,
      timeoutCount: 0,
      stateChanges: 0,
      consecutiveFailures: 0,
      failureRate: null,
      slowCallRate: null,
      bufferedCalls: 0,
      inFlight: 0,
      retryAfterMs: 0,
    });
  });

  describe('consecutive rule', () => {
    it('opens after 5 consecutive failures (the default threshold)', async () => {
      const { breaker, changes } = setup({ name: 'pay' });
      fail(breaker, 4);
      expect(breaker.state).toBe('closed');
      expect(breaker.getMetrics().consecutiveFailures).toBe(4);
      fail(breaker);
      expect(breaker.state).toBe('open');
      expect(changes).toEqual([{ from: 'closed', to: 'open', reason: 'consecutive_failures' }]);

      const fn = vi.fn(() => 'ran');
      const error = await rejection(breaker.execute(fn));
      expect(fn).not.toHaveBeenCalled();
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(error).toMatchObject({
        code: 'CIRCUIT_OPEN',
        breakerName: 'pay',
        state: 'open',
        retryAfterMs: 60_000,
        kind: 'circuit_open',
        message: 'circuit breaker "pay" is open',
      });
      expect(breaker.getMetrics()).toMatchObject({ failureCount: 5, rejectedCount: 1, stateChanges: 1 });
    });

    it('resets the count on a success', () => {
      const { breaker } = setup({ failureThreshold: 3 });
      fail(breaker, 2);
      succeed(breaker);
      expect(breaker.getMetrics().consecutiveFailures).toBe(0);
      fail(breaker, 2);
      expect(breaker.state).toBe('closed');
      fail(breaker);
      expect(breaker.state).toBe('open');
    });

    it('leaves the count alone on an ignored outcome', () => {
      const { breaker } = setup({ failureThreshold: 2 });
      fail(breaker);
      breaker.acquire().ignore();
      expect(breaker.getMetrics().consecutiveFailures).toBe(1);
      fail(breaker);
      expect(breaker.state).toBe('open');
    });
  });

  describe('open → half_open', () => {
    it('happens lazily after resetTimeout, when the state is read, with no timers', () => {
      vi.useFakeTimers();
      const { breaker, clock, changes } = setup({ failureThreshold: 1, resetTimeout: 1000 });
      fail(breaker);
      expect(vi.getTimerCount()).toBe(0);
      clock.advance(999);
      expect(breaker.state).toBe('open');
      expect(breaker.retryAfterMs).toBe(1);
      clock.advance(1);
      expect(changes).toHaveLength(1); // nothing happens until someone looks
      expect(breaker.state).toBe('half_open');
      expect(changes[1]).toEqual({ from: 'open', to: 'half_open', reason: 'reset_timeout' });
      expect(breaker.retryAfterMs).toBe(0);
    });

    it('admits the first call after resetTimeout as a trial without a state read first', () => {
      const { breaker, clock } = setup({ failureThreshold: 1, resetTimeout: 1000 });
      fail(breaker);
      clock.advance(1000);
      const permit = breaker.acquire();
      expect(permit.trial).toBe(true);
      expect(breaker.getMetrics().state).toBe('half_open');
    });

    it('rejects while open with the time left', () => {
      const { breaker, clock } = setup({ failureThreshold: 1, resetTimeout: 1000 });
      fail(breaker);
      clock.advance(400);
      expect(breaker.tryAcquire()).toBeUndefined();
      expect(() => breaker.acquire()).toThrow(expect.objectContaining({ retryAfterMs: 600 }));
      expect(breaker.getMetrics()).toMatchObject({ rejectedCount: 2, retryAfterMs: 600, inFlight: 0 });
    });
  });

  describe('half_open', () => {
    function halfOpen(options: CircuitBreakerOptions = {}) {
      const t = setup({ failureThreshold: 1, resetTimeout: 1000, ...options });
      fail(t.breaker);
      t.clock.advance(1000);
      expect(t.breaker.state).toBe('half_open');
      t.changes.length = 0;
      return t;
    }

    it('closes after halfOpenMaxCalls trial successes', () => {
      const { breaker, changes } = halfOpen({ halfOpenMaxCalls: 3 });
      const trials = [breaker.acquire(), breaker.acquire(), breaker.acquire()];
      expect(trials.map((p) => p.trial)).toEqual([true, true, true]);
      trials[0]?.success();
      trials[1]?.success();
      expect(breaker.state).toBe('half_open');
      trials[2]?.success();
      expect(breaker.state).toBe('closed');
      expect(changes).toEqual([{ from: 'half_open', to: 'closed', reason: 'trial_succeeded' }]);
      expect(breaker.getMetrics().consecutiveFailures).toBe(0);
    });

    it('admits at most halfOpenMaxCalls trials at once, counting successful ones until it closes', () => {
      const { breaker } = halfOpen({ halfOpenMaxCalls: 2 });
      const a = breaker.acquire();
      breaker.acquire();
      const error = thrown(() => breaker.acquire());
      expect(error).toMatchObject({ state: 'half_open', kind: 'half_open_full', retryAfterMs: 0 });
      expect((error as Error).message).toMatch(/half-open and its trial calls are all in flight/);
      a.success();
      // One trial succeeded and one is running: the two trials are spent.
      expect(breaker.tryAcquire()).toBeUndefined();
      expect(breaker.getMetrics()).toMatchObject({ rejectedCount: 2, inFlight: 1 });
    });

    it('re-opens on any trial failure, with a fresh resetTimeout', () => {
      const { breaker, clock, changes } = halfOpen({ halfOpenMaxCalls: 2 });
      const a = breaker.acquire();
      const b = breaker.acquire();
      a.success();
      clock.advance(250);
      b.failure(new Error('still down'));
      expect(breaker.state).toBe('open');
      expect(changes).toEqual([{ from: 'half_open', to: 'open', reason: 'trial_failed' }]);
      expect(breaker.retryAfterMs).toBe(1000);
      expectHalfOpenIn(breaker, clock, 1000);
    });

    it('frees a trial slot on ignore() without deciding anything', () => {
      const { breaker } = halfOpen();
      const a = breaker.acquire();
      expect(breaker.tryAcquire()).toBeUndefined();
      a.ignore();
      expect(breaker.state).toBe('half_open');
      const b = breaker.acquire();
      expect(b.trial).toBe(true);
      b.success();
      expect(breaker.state).toBe('closed');
    });

    it('frees a trial slot when execute() meets an ignored error', async () => {
      const { breaker } = halfOpen({ ignore: [NotFound] });
      await expect(breaker.execute(() => Promise.reject(new Gone()))).rejects.toBeInstanceOf(Gone);
      expect(breaker.state).toBe('half_open');
      await expect(breaker.execute(() => 'ok')).resolves.toBe('ok');
      expect(breaker.state).toBe('closed');
    });
  });

  describe('stale outcomes', () => {
    /** A call admitted while closed, still running when a failure opens the circuit and it half-opens. */
    function staleCall() {
      const t = setup({ failureThreshold: 1, resetTimeout: 1000 });
      const stale = t.breaker.acquire();
      fail(t.breaker);
      t.clock.advance(1000);
      const trial = t.breaker.acquire();
      expect(trial.trial).toBe(true);
      return { ...t, stale, trial };
    }

    it('counts a success admitted before the last change but does not let it close half_open', () => {
      const { breaker, stale, trial } = staleCall();
      stale.success();
      expect(breaker.state).toBe('half_open');
      expect(breaker.getMetrics()).toMatchObject({ successCount: 1, inFlight: 1 });
      expect(breaker.tryAcquire()).toBeUndefined(); // the stale call did not free the trial slot
      trial.success();
      expect(breaker.state).toBe('closed');
    });

    it('counts a failure admitted before the last change but does not let it re-open half_open', () => {
      const { breaker, stale, trial, changes } = staleCall();
      stale.failure(new Error('late'));
      expect(breaker.state).toBe('half_open');
      expect(breaker.getMetrics().failureCount).toBe(2);
      trial.success();
      expect(breaker.state).toBe('closed');
      expect(changes.map((c) => c.reason)).toEqual([
        'consecutive_failures',
        'reset_timeout',
        'trial_succeeded',
      ]);
    });

    it('does not let a trial from an earlier half_open period decide the current one', () => {
      const { breaker, clock } = setup({ failureThreshold: 1, resetTimeout: 1000, halfOpenMaxCalls: 2 });
      fail(breaker);
      clock.advance(1000);
      const a = breaker.acquire();
      const b = breaker.acquire();
      a.failure(new Error('down'));
      clock.advance(1000);
      const c = breaker.acquire();
      b.failure(new Error('late'));
      expect(breaker.state).toBe('half_open');
      c.success();
      expect(breaker.state).toBe('half_open'); // b's slot belonged to the earlier period
      breaker.acquire().success();
      expect(breaker.state).toBe('closed');
    });

    it('does not let a failure admitted before close() count against the new closed period', () => {
      const { breaker } = setup({ failureThreshold: 1 });
      const before = breaker.acquire();
      breaker.forceOpen();
      breaker.close();
      before.failure(new Error('late'));
      expect(breaker.state).toBe('closed');
      expect(breaker.getMetrics()).toMatchObject({ failureCount: 1, consecutiveFailures: 0 });
    });

    it('ignores openFor() caused by a stale permit (a late Retry-After), not by the permit that tripped it', () => {
      const { breaker, stale, trial } = staleCall();
      stale.failure(new Error('503'));
      breaker.openFor(60_000, { reason: 'retry_after', cause: stale });
      expect(breaker.state).toBe('half_open'); // the stale answer re-opened nothing
      trial.failure(new Error('still down')); // re-opens, and its own Retry-After lengthens that
      breaker.openFor(5000, { reason: 'retry_after', cause: trial });
      expect(breaker.retryAfterMs).toBe(5000);
      breaker.close();
      breaker.openFor(10, { reason: 'manual' }); // without a cause it always applies
      expect(breaker.state).toBe('open');
    });
  });

  describe('permits', () => {
    it('settle once: later success, failure and ignore calls are no-ops', () => {
      const { breaker } = setup();
      const p = breaker.acquire();
      expect(p.settled).toBe(false);
      p.failure(new Error('x'));
      p.success();
      p.ignore();
      p.failure(new Error('y'));
      expect(p.settled).toBe(true);
      expect(breaker.getMetrics()).toMatchObject({
        successCount: 0,
        failureCount: 1,
        ignoredCount: 0,
        consecutiveFailures: 1,
        inFlight: 0,
      });
    });

    it('cannot release a half_open slot twice', () => {
      const { breaker, clock } = setup({ failureThreshold: 1, resetTimeout: 10 });
      fail(breaker);
      clock.advance(10);
      const a = breaker.acquire();
      a.ignore();
      const b = breaker.acquire();
      a.ignore();
      a.success();
      expect(breaker.tryAcquire()).toBeUndefined();
      expect(breaker.state).toBe('half_open');
      b.success();
      expect(breaker.state).toBe('closed');
    });

    it('tracks calls in flight', () => {
      const { breaker } = setup();
      const a = breaker.acquire();
      const b = breaker.tryAcquire();
      expect(breaker.getMetrics().inFlight).toBe(2);
      a.success();
      b?.ignore();
      expect(breaker.getMetrics().inFlight).toBe(0);
    });
  });

  describe('count window', () => {
    const window = { type: 'count', size: 4 } as const;

    it('opens on failure_rate over the last N calls once minimumCalls are recorded', () => {
      const { breaker, changes } = setup({ window, minimumCalls: 4, failureRateThreshold: 50 });
      fail(breaker);
      succeed(breaker, 2);
      expect(breaker.getMetrics()).toMatchObject({ failureRate: null, bufferedCalls: 3 });
      succeed(breaker);
      expect(breaker.getMetrics()).toMatchObject({ failureRate: 25, bufferedCalls: 4, state: 'closed' });
      fail(breaker); // window: S S S F → the oldest failure slid out
      expect(breaker.getMetrics()).toMatchObject({ failureRate: 25, bufferedCalls: 4 });
      fail(breaker); // S S F F
      expect(breaker.state).toBe('open');
      expect(changes).toEqual([{ from: 'closed', to: 'open', reason: 'failure_rate' }]);
    });

    it('does not open before minimumCalls calls, whatever the rate', () => {
      const { breaker } = setup({ window: { type: 'count', size: 10 }, minimumCalls: 5 });
      fail(breaker, 4);
      expect(breaker.state).toBe('closed');
      expect(breaker.getMetrics().failureRate).toBeNull();
      fail(breaker);
      expect(breaker.state).toBe('open');
    });

    it('defaults minimumCalls to the window size when it is smaller than 10', () => {
      const { breaker } = setup({ window: { type: 'count', size: 3 } });
      fail(breaker, 2);
      expect(breaker.state).toBe('closed');
      fail(breaker);
      expect(breaker.state).toBe('open');
    });

    it('does not apply the consecutive rule unless failureThreshold is given', () => {
      const { breaker } = setup({ window: { type: 'count', size: 100 }, minimumCalls: 100 });
      fail(breaker, 20);
      expect(breaker.state).toBe('closed');
      expect(breaker.getMetrics().consecutiveFailures).toBe(20);
    });

    it('applies both rules when failureThreshold is given too', () => {
      const { breaker, changes } = setup({
        window: { type: 'count', size: 100 },
        minimumCalls: 100,
        failureThreshold: 3,
      });
      fail(breaker, 3);
      expect(changes).toEqual([{ from: 'closed', to: 'open', reason: 'consecutive_failures' }]);
    });

    it('ignores ignored outcomes and starts afresh after closing', () => {
      const { breaker, clock } = setup({ window, minimumCalls: 2, resetTimeout: 5 });
      succeed(breaker);
      breaker.acquire().ignore();
      expect(breaker.getMetrics().bufferedCalls).toBe(1);
      fail(breaker);
      expect(breaker.state).toBe('open');
      clock.advance(5);
      breaker.acquire().success();
      expect(breaker.state).toBe('closed');
      expect(breaker.getMetrics()).toMatchObject({ bufferedCalls: 0, failureRate: null });
    });
  });

  describe('time window', () => {
    const window = { type: 'time', duration: 1000, buckets: 10 } as const;

    it('opens on failure_rate over the last duration ms', () => {
      const { breaker, clock, changes } = setup({ window, minimumCalls: 4, failureRateThreshold: 75 });
      fail(breaker, 2);
      clock.advance(300);
      succeed(breaker);
      clock.advance(300);
      fail(breaker);
      expect(breaker.getMetrics()).toMatchObject({ failureRate: 75, bufferedCalls: 4 });
      expect(breaker.state).toBe('open');
      expect(changes).toEqual([{ from: 'closed', to: 'open', reason: 'failure_rate' }]);
    });

    it('expires old buckets after idle time', () => {
      const { breaker, clock } = setup({ window, minimumCalls: 4 });
      fail(breaker, 3);
      clock.advance(1000); // idle for a whole window
      fail(breaker);
      // Without expiry this would be 4 failures of 4 calls; only the newest is still in the window.
      expect(breaker.state).toBe('closed');
      expect(breaker.getMetrics()).toMatchObject({ bufferedCalls: 1, failureRate: null });
    });

    it('forgets outcomes older than the window, bucket by bucket', () => {
      const { breaker, clock } = setup({ window, minimumCalls: 3 });
      fail(breaker);
      succeed(breaker);
      clock.advance(500);
      succeed(breaker);
      expect(breaker.getMetrics()).toMatchObject({ bufferedCalls: 3, state: 'closed' });
      clock.advance(499); // t = 999: the first bucket [0, 100) is still inside the window
      expect(breaker.getMetrics().bufferedCalls).toBe(3);
      clock.advance(1); // t = 1000: it has left
      expect(breaker.getMetrics()).toMatchObject({ bufferedCalls: 1, failureRate: null });
      fail(breaker); // 1 of 2: below minimumCalls
      expect(breaker.state).toBe('closed');
      clock.advance(10_000); // idle far longer than the window
      expect(breaker.getMetrics()).toMatchObject({ bufferedCalls: 0, failureRate: null });
      fail(breaker, 2);
      expect(breaker.state).toBe('closed');
      fail(breaker);
      expect(breaker.state).toBe('open');
    });
  });

  describe('slow-call rule', () => {
    it('opens on slow_call_rate, timing calls with the injected clock', async () => {
      const { breaker, clock, changes } = setup({
        window: { type: 'count', size: 4 },
        slowCallDuration: 100,
        slowCallRateThreshold: 50,
      });
      const call = (ms: number) =>
        breaker.execute(async () => {
          clock.advance(ms);
          return ms;
        });
      await call(150);
      await call(99);
      await call(100); // exactly slowCallDuration counts as slow
      expect(breaker.getMetrics()).toMatchObject({ slowCallRate: null, state: 'closed' });
      await call(10);
      expect(breaker.getMetrics()).toMatchObject({ slowCallRate: 50, failureRate: 0 });
      expect(breaker.state).toBe('open');
      expect(changes).toEqual([{ from: 'closed', to: 'open', reason: 'slow_call_rate' }]);
    });

    it('reports failure_rate rather than slow_call_rate when both are reached', () => {
      const { breaker, clock, changes } = setup({
        window: { type: 'count', size: 2 },
        slowCallDuration: 10,
      });
      for (let i = 0; i < 2; i++) {
        const p = breaker.acquire();
        clock.advance(20);
        p.failure(new Error('slow and failed'));
      }
      expect(changes).toEqual([{ from: 'closed', to: 'open', reason: 'failure_rate' }]);
      expect(breaker.getMetrics().slowCallRate).toBe(100);
    });

    it('reports no slowCallRate without a slow-call rule', () => {
      const { breaker } = setup({ window: { type: 'count', size: 1 } });
      succeed(breaker);
      expect(breaker.getMetrics()).toMatchObject({ failureRate: 0, slowCallRate: null });
    });
  });

  describe('timeout', () => {
    it('rejects with CallTimeoutError, aborts the signal, counts a failure and emits timeout', async () => {
      vi.useFakeTimers();
      const { breaker } = setup({ name: 'slow', timeout: 100 });
      const timeouts: unknown[] = [];
      breaker.on('timeout', (e) => timeouts.push(e));
      let seen: AbortSignal | undefined;
      const result = rejection(
        breaker.execute((signal) => {
          seen = signal;
          return new Promise(() => {});
        }),
      );
      expect(seen?.aborted).toBe(false);
      await vi.advanceTimersByTimeAsync(99);
      expect(timeouts).toEqual([]);
      await vi.advanceTimersByTimeAsync(1);
      const error = await result;
      expect(error).toBeInstanceOf(CallTimeoutError);
      expect(error).toMatchObject({ code: 'CALL_TIMEOUT', timeoutMs: 100, breakerName: 'slow' });
      expect(isCallTimeoutError(error)).toBe(true);
      expect(seen?.aborted).toBe(true);
      expect(seen?.reason).toBe(error);
      expect(timeouts).toEqual([{ timeoutMs: 100 }]);
      expect(breaker.getMetrics()).toMatchObject({
        timeoutCount: 1,
        failureCount: 1,
        consecutiveFailures: 1,
        inFlight: 0,
      });
    });

    it('rejects with CallTimeoutError even when fn rejects with its own error as its signal aborts', async () => {
      vi.useFakeTimers();
      const { breaker } = setup({ timeout: 100 });
      const result = rejection(
        breaker.execute(
          (signal) =>
            new Promise((_, reject) => signal?.addEventListener('abort', () => reject(new Error('aborted')))),
        ),
      );
      await vi.advanceTimersByTimeAsync(100);
      expect(await result).toBeInstanceOf(CallTimeoutError);
      expect(breaker.getMetrics()).toMatchObject({ timeoutCount: 1, failureCount: 1 });
    });

    it('rejects with CallTimeoutError even when fn resolves as its signal aborts', async () => {
      vi.useFakeTimers();
      const { breaker } = setup({ timeout: 100 });
      const result = rejection(
        breaker.execute(
          (signal) => new Promise((resolve) => signal?.addEventListener('abort', () => resolve('partial'))),
        ),
      );
      await vi.advanceTimersByTimeAsync(100);
      expect(await result).toBeInstanceOf(CallTimeoutError);
      expect(breaker.getMetrics()).toMatchObject({ timeoutCount: 1, failureCount: 1, successCount: 0 });
    });

    it('counts a timeout as a failure even when isFailure does not recognise it', async () => {
      vi.useFakeTimers();
      const { breaker } = setup({
        timeout: 50,
        failureThreshold: 1,
        isFailure: (e) => (e as { status?: number }).status === 503,
      });
      const result = rejection(breaker.execute(() => new Promise(() => {})));
      await vi.advanceTimersByTimeAsync(50);
      expect(await result).toBeInstanceOf(CallTimeoutError);
      expect(breaker.getMetrics()).toMatchObject({ failureCount: 1, successCount: 0, state: 'open' });
    });

    it('opens after consecutive timeouts', async () => {
      vi.useFakeTimers();
      const { breaker, changes } = setup({ timeout: 10, failureThreshold: 2 });
      for (let i = 0; i < 2; i++) {
        const result = rejection(breaker.execute(() => new Promise(() => {})));
        await vi.advanceTimersByTimeAsync(10);
        await result;
      }
      expect(changes).toEqual([{ from: 'closed', to: 'open', reason: 'consecutive_failures' }]);
    });

    it('clears its timer when the call settles in time, and records the real outcome', async () => {
      vi.useFakeTimers();
      const { breaker } = setup({ timeout: 100 });
      await expect(breaker.execute(async () => 'fast')).resolves.toBe('fast');
      await expect(breaker.execute(() => Promise.reject(new Error('no')))).rejects.toThrow('no');
      await expect(
        breaker.execute(() => {
          throw new Error('sync');
        }),
      ).rejects.toThrow('sync');
      expect(vi.getTimerCount()).toBe(0);
      await vi.advanceTimersByTimeAsync(1000);
      expect(breaker.getMetrics()).toMatchObject({ successCount: 1, failureCount: 2, timeoutCount: 0 });
    });

    it('records a caller abort as ignored, not as a timeout', async () => {
      vi.useFakeTimers();
      const { breaker } = setup({ timeout: 100 });
      const controller = new AbortController();
      const result = rejection(
        breaker.execute(
          (signal) =>
            new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
          { signal: controller.signal },
        ),
      );
      controller.abort(new Error('client left'));
      expect(await result).toEqual(new Error('client left'));
      expect(breaker.getMetrics()).toMatchObject({ ignoredCount: 1, failureCount: 0, timeoutCount: 0 });
    });
  });

  describe('classifying outcomes', () => {
    it('ignores errors of the given classes (and subclasses): neither success nor failure', async () => {
      const { breaker } = setup({ failureThreshold: 1, ignore: [NotFound] });
      const events: unknown[] = [];
      breaker.on('ignored', (e) => events.push(e));
      const gone = new Gone('gone');
      await expect(breaker.execute(() => Promise.reject(gone))).rejects.toBe(gone);
      expect(breaker.state).toBe('closed');
      expect(breaker.getMetrics()).toMatchObject({ ignoredCount: 1, failureCount: 0, successCount: 0 });
      expect(events).toEqual([{ error: gone, state: 'closed' }]);
      await expect(breaker.execute(() => Promise.reject(new Error('real')))).rejects.toThrow('real');
      expect(breaker.state).toBe('open');
    });

    it('ignores errors a predicate picks', async () => {
      const { breaker } = setup({
        failureThreshold: 1,
        ignore: (e) => (e as { status?: number }).status === 404,
      });
      await expect(breaker.execute(() => Promise.reject({ status: 404 }))).rejects.toEqual({ status: 404 });
      expect(breaker.getMetrics()).toMatchObject({ ignoredCount: 1, state: 'closed' });
    });

    it('counts an error as a success when isFailure says false, and still rethrows it', async () => {
      const { breaker } = setup({
        failureThreshold: 2,
        isFailure: (e) => !(e instanceof NotFound),
      });
      fail(breaker);
      const notFound = new NotFound('no such user');
      await expect(breaker.execute(() => Promise.reject(notFound))).rejects.toBe(notFound);
      expect(breaker.getMetrics()).toMatchObject({
        successCount: 1,
        failureCount: 1,
        consecutiveFailures: 0,
      });
    });

    it('judges returned values with isResultFailure, still returning the value', async () => {
      const { breaker } = setup({
        failureThreshold: 1,
        isResultFailure: (r) => (r as { status: number }).status >= 500,
      });
      const failures: unknown[] = [];
      breaker.on('failure', (e) => failures.push(e.error));
      await expect(breaker.execute(() => ({ status: 200 }))).resolves.toEqual({ status: 200 });
      expect(breaker.state).toBe('closed');
      const unavailable = { status: 503 };
      await expect(breaker.execute(() => unavailable)).resolves.toBe(unavailable);
      expect(failures).toEqual([unavailable]);
      expect(breaker.getMetrics()).toMatchObject({ successCount: 1, failureCount: 1, state: 'open' });
    });

    it('survives throwing hooks: reports them and falls back to the plain classification', async () => {
      const onListenerError = vi.fn();
      const hookError = new Error('hook bug');
      const { breaker } = setup({
        onListenerError,
        ignore: () => {
          throw hookError;
        },
        isFailure: () => {
          throw hookError;
        },
        isResultFailure: () => {
          throw hookError;
        },
      });
      const error = new Error('call failed');
      await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
      await expect(breaker.execute(() => 'value')).resolves.toBe('value');
      expect(breaker.getMetrics()).toMatchObject({ failureCount: 1, successCount: 1, ignoredCount: 0 });
      expect(onListenerError.mock.calls).toEqual([
        [hookError, 'ignore'],
        [hookError, 'isFailure'],
        [hookError, 'isResultFailure'],
      ]);
    });

    it('settles the call even when onListenerError itself throws while reporting a hook', async () => {
      const { breaker } = setup({
        onListenerError: () => {
          throw new Error('reporter bug');
        },
        isFailure: () => {
          throw new Error('hook bug');
        },
        isResultFailure: () => {
          throw new Error('hook bug');
        },
      });
      const error = new Error('call failed');
      await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
      await expect(breaker.execute(() => 'value')).resolves.toBe('value');
      expect(breaker.getMetrics()).toMatchObject({ failureCount: 1, successCount: 1, inFlight: 0 });
    });
  });

  describe('fallback', () => {
    it('answers rejections with its value, given the CircuitOpenError', async () => {
      const fallback = vi.fn((_e: unknown) => 'cached');
      const { breaker } = setup({ failureThreshold: 1, fallback });
      fail(breaker);
      const fn = vi.fn(() => 'live');
      await expect(breaker.execute(fn)).resolves.toBe('cached');
      expect(fn).not.toHaveBeenCalled();
      expect(isCircuitOpenError(fallback.mock.calls[0]?.[0])).toBe(true);
      expect(breaker.getMetrics().rejectedCount).toBe(1);
    });

    it('answers failures with its (awaited) value and still records them', async () => {
      const { breaker } = setup({ failureThreshold: 1, fallback: async (e) => `fallback for ${String(e)}` });
      await expect(breaker.execute(() => Promise.reject('down'))).resolves.toBe('fallback for down');
      expect(breaker.getMetrics()).toMatchObject({ failureCount: 1, state: 'open' });
    });

    it('answers results judged failures by isResultFailure', async () => {
      const { breaker } = setup({ isResultFailure: (r) => r === 503, fallback: () => 'fallback' });
      await expect(breaker.execute(() => 503)).resolves.toBe('fallback');
      expect(breaker.getMetrics().failureCount).toBe(1);
    });

    it('answers timeouts', async () => {
      vi.useFakeTimers();
      const { breaker } = setup({ timeout: 10, fallback: (e) => e });
      const result = breaker.execute(() => new Promise<string>(() => {}));
      await vi.advanceTimersByTimeAsync(10);
      expect(await result).toBeInstanceOf(CallTimeoutError);
    });

    it('is not used for ignored errors nor for errors isFailure clears', async () => {
      const fallback = vi.fn(() => 'fallback');
      const { breaker } = setup({ fallback, ignore: [Gone], isFailure: (e) => !(e instanceof NotFound) });
      const gone = new Gone();
      const notFound = new NotFound();
      await expect(breaker.execute(() => Promise.reject(gone))).rejects.toBe(gone);
      await expect(breaker.execute(() => Promise.reject(notFound))).rejects.toBe(notFound);
      expect(fallback).not.toHaveBeenCalled();
    });
  });

  describe('manual control', () => {
    it('forceOpen() rejects until close(), whatever the time', () => {
      const { breaker, clock, changes } = setup({ resetTimeout: 10 });
      breaker.forceOpen();
      breaker.forceOpen();
      clock.advance(1_000_000);
      expect(breaker.state).toBe('forced_open');
      expect(breaker.retryAfterMs).toBe(Number.POSITIVE_INFINITY);
      expect(() => breaker.acquire()).toThrow(
        expect.objectContaining({ state: 'forced_open', retryAfterMs: Number.POSITIVE_INFINITY }),
      );
      expect(() => breaker.acquire()).toThrow('circuit breaker "default" is forced open');
      breaker.close();
      expect(breaker.state).toBe('closed');
      expect(changes).toEqual([
        { from: 'closed', to: 'forced_open', reason: 'manual' },
        { from: 'forced_open', to: 'closed', reason: 'manual' },
      ]);
    });

    it('disable() admits everything and records metrics, but never opens', () => {
      const { breaker } = setup({ failureThreshold: 1 });
      fail(breaker);
      expect(breaker.state).toBe('open');
      breaker.disable();
      fail(breaker, 10);
      expect(breaker.getMetrics()).toMatchObject({
        state: 'disabled',
        failureCount: 11,
        rejectedCount: 0,
        retryAfterMs: 0,
      });
      breaker.close();
      expect(breaker.state).toBe('closed');
      expect(breaker.getMetrics().consecutiveFailures).toBe(0);
    });

    it('keeps feeding the window while disabled (metrics-only), without ever opening', () => {
      const { breaker } = setup({ window: { type: 'count', size: 4 }, minimumCalls: 4 });
      fail(breaker, 4);
      expect(breaker.getMetrics()).toMatchObject({ state: 'open', failureRate: 100 });
      breaker.disable();
      succeed(breaker, 2);
      expect(breaker.getMetrics()).toMatchObject({ state: 'disabled', failureRate: 50, bufferedCalls: 4 });
      succeed(breaker, 2);
      expect(breaker.getMetrics()).toMatchObject({ failureRate: 0, consecutiveFailures: 0 });
      fail(breaker, 4);
      expect(breaker.getMetrics()).toMatchObject({
        state: 'disabled',
        failureRate: 100,
        consecutiveFailures: 4,
      });
    });

    it('close() clears the deciding counts; reset() zeroes the lifetime counters too', () => {
      const { breaker } = setup({
        failureThreshold: 3,
        window: { type: 'count', size: 10 },
        minimumCalls: 10,
      });
      fail(breaker, 2);
      succeed(breaker);
      fail(breaker);
      breaker.close();
      expect(breaker.getMetrics()).toMatchObject({
        state: 'closed',
        consecutiveFailures: 0,
        bufferedCalls: 0,
        failureCount: 3,
        successCount: 1,
        stateChanges: 0,
      });
      fail(breaker, 3);
      expect(breaker.state).toBe('open');
      breaker.tryAcquire();
      breaker.reset();
      expect(breaker.getMetrics()).toMatchObject({
        state: 'closed',
        successCount: 0,
        failureCount: 0,
        rejectedCount: 0,
        stateChanges: 0,
        consecutiveFailures: 0,
        bufferedCalls: 0,
      });
    });

    it('openFor() opens for the given time with reason manual, or the given reason', () => {
      const { breaker, clock, changes } = setup({ resetTimeout: 60_000 });
      breaker.openFor(5000);
      expect(breaker.retryAfterMs).toBe(5000);
      clock.advance(5000);
      expect(breaker.state).toBe('half_open');
      breaker.openFor(2000, { reason: 'retry_after' });
      expect(breaker.state).toBe('open');
      expect(changes).toEqual([
        { from: 'closed', to: 'open', reason: 'manual' },
        { from: 'open', to: 'half_open', reason: 'reset_timeout' },
        { from: 'half_open', to: 'open', reason: 'retry_after' },
      ]);
    });

    it('openFor() never shortens a longer open period, but extends a shorter one', () => {
      const { breaker, clock, changes } = setup({ failureThreshold: 1, resetTimeout: 10_000 });
      fail(breaker);
      breaker.openFor(1000);
      expect(breaker.retryAfterMs).toBe(10_000);
      clock.advance(5000);
      breaker.openFor(8000);
      expect(breaker.retryAfterMs).toBe(8000);
      expect(changes).toHaveLength(1); // extending is not a transition
      expectHalfOpenIn(breaker, clock, 8000);
    });

    it('openFor() leaves forced_open and disabled alone, and validates its duration', () => {
      const { breaker } = setup();
      breaker.forceOpen();
      breaker.openFor(10);
      expect(breaker.state).toBe('forced_open');
      breaker.disable();
      breaker.openFor(10);
      expect(breaker.state).toBe('disabled');
      for (const bad of [-1, Number.NaN, Number.POSITIVE_INFINITY]) {
        expect(() => breaker.openFor(bad)).toThrow(RangeError);
      }
      expect(() => breaker.openFor(-1)).toThrow(
        'openFor(durationMs) must be a finite number of ms >= 0, got -1',
      );
    });

    it('retryAfterMs is 0 when closed, half_open or disabled', () => {
      const { breaker, clock } = setup({ failureThreshold: 1, resetTimeout: 100 });
      expect(breaker.retryAfterMs).toBe(0);
      fail(breaker);
      clock.advance(30);
      expect(breaker.retryAfterMs).toBe(70);
      expect(breaker.getMetrics().retryAfterMs).toBe(70);
      clock.advance(70);
      expect(breaker.retryAfterMs).toBe(0);
      breaker.disable();
      expect(breaker.retryAfterMs).toBe(0);
    });
  });

  describe('execute', () => {
    it('returns the result, and passes no signal without a timeout or caller signal', async () => {
      const { breaker } = setup();
      const fn = vi.fn((signal: AbortSignal | undefined) => signal);
      await expect(breaker.execute(fn)).resolves.toBeUndefined();
      expect(breaker.getMetrics().successCount).toBe(1);
    });

    it('passes the caller signal through', async () => {
      const { breaker } = setup();
      const controller = new AbortController();
      await expect(breaker.execute((s) => s, { signal: controller.signal })).resolves.toBe(controller.signal);
    });

    it('rethrows errors and non-Error throwables unchanged', async () => {
      const { breaker } = setup({ failureThreshold: 100 });
      const error = new TypeError('exact');
      const object = { code: 42 };
      await expect(breaker.execute(() => Promise.reject(error))).rejects.toBe(error);
      await expect(breaker.execute(() => Promise.reject('a string'))).rejects.toBe('a string');
      await expect(breaker.execute(() => Promise.reject(object))).rejects.toBe(object);
      expect(await rejection(breaker.execute(() => Promise.reject(undefined)))).toBeUndefined();
      expect(breaker.getMetrics().failureCount).toBe(4);
    });

    it('treats a synchronous throw like a rejection', async () => {
      const { breaker } = setup({ failureThreshold: 2 });
      const thrower = () => {
        throw 'sync';
      };
      const pending = breaker.execute(thrower); // does not throw synchronously
      await expect(pending).rejects.toBe('sync');
      await expect(breaker.execute(thrower)).rejects.toBe('sync');
      expect(breaker.state).toBe('open');
    });

    it('rejects at once with the reason of an already-aborted signal, without running or counting', async () => {
      const { breaker } = setup();
      const reason = new Error('cancelled');
      const fn = vi.fn();
      await expect(breaker.execute(fn, { signal: AbortSignal.abort(reason) })).rejects.toBe(reason);
      expect(fn).not.toHaveBeenCalled();
      expect(breaker.getMetrics()).toMatchObject({
        successCount: 0,
        failureCount: 0,
        ignoredCount: 0,
        rejectedCount: 0,
        inFlight: 0,
      });
    });

    it('records a call that fails after the caller aborted as ignored', async () => {
      const { breaker } = setup({ failureThreshold: 1 });
      const controller = new AbortController();
      const pending = breaker.execute(
        (signal) =>
          new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason))),
        { signal: controller.signal },
      );
      controller.abort(new Error('client went away'));
      await expect(pending).rejects.toThrow('client went away');
      expect(breaker.getMetrics()).toMatchObject({ ignoredCount: 1, failureCount: 0, state: 'closed' });
    });

    it('throws a TypeError for a missing fn, counted as nothing (not a dependency failure)', () => {
      const { breaker } = setup({ failureThreshold: 1 });
      expect(() => breaker.execute(undefined as never)).toThrow(
        new TypeError('execute(fn) needs a function, got undefined'),
      );
      expect(() => breaker.execute('x' as never)).toThrow(TypeError);
      expect(breaker.state).toBe('closed');
      expect(breaker.getMetrics()).toMatchObject({ failureCount: 0, successCount: 0, inFlight: 0 });
    });
  });

  describe('wrap', () => {
    it('keeps the parameters and this', async () => {
      const { breaker } = setup();
      const api = {
        base: 'https://x',
        get: breaker.wrap(function (this: { base: string }, path: string, n: number) {
          return `${this.base}/${path}/${n}`;
        }),
      };
      expectTypeOf(api.get).parameters.toEqualTypeOf<[string, number]>();
      expectTypeOf(api.get).returns.toEqualTypeOf<Promise<string>>();
      await expect(api.get('users', 7)).resolves.toBe('https://x/users/7');
      expect(breaker.getMetrics().successCount).toBe(1);
    });

    it('protects the wrapped function and needs a function', async () => {
      const { breaker } = setup({ failureThreshold: 1 });
      const wrapped = breaker.wrap(async (x: number) => {
        if (x < 0) throw new RangeError('negative');
        return x * 2;
      });
      await expect(wrapped(-1)).rejects.toThrow(RangeError);
      await expect(wrapped(2)).rejects.toBeInstanceOf(CircuitOpenError);
      expect(() => breaker.wrap(42 as never)).toThrow(new TypeError('wrap(fn) needs a function, got 42'));
    });

    describe("{ signal: 'last' }", () => {
      it('passes the call signal as the last declared parameter: the timeout cancels the call', async () => {
        vi.useFakeTimers();
        const { breaker } = setup({ timeout: 100 });
        const seen: Array<AbortSignal | undefined> = [];
        const fetchOrder = breaker.wrap(
          (id: string, signal?: AbortSignal) =>
            new Promise<string>((resolve, reject) => {
              seen.push(signal);
              signal?.addEventListener('abort', () => reject(signal.reason));
              if (id === 'fast') resolve('done');
            }),
          { signal: 'last' },
        );
        expectTypeOf(fetchOrder).parameters.toEqualTypeOf<[id: string, signal?: AbortSignal]>();
        await expect(fetchOrder('fast')).resolves.toBe('done');
        const slow = rejection(fetchOrder('slow'));
        await vi.advanceTimersByTimeAsync(100);
        expect(await slow).toBeInstanceOf(CallTimeoutError);
        expect(seen[1]?.aborted).toBe(true);
        expect(seen[1]?.reason).toBeInstanceOf(CallTimeoutError);
      });

      it("takes an AbortSignal the caller passes there as the caller's signal, and pads left-out parameters", async () => {
        const { breaker } = setup({ timeout: 1000 });
        const args: unknown[][] = [];
        const lookup = breaker.wrap(
          (ip: string, precise?: boolean, signal?: AbortSignal) => {
            args.push([ip, precise, signal]);
            return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
          },
          { signal: 'last' },
        );
        const controller = new AbortController();
        const pending = rejection(lookup('192.0.2.1', true, controller.signal));
        const [ip, precise, signal] = args[0] ?? [];
        expect([ip, precise]).toEqual(['192.0.2.1', true]);
        expect(signal).toBeInstanceOf(AbortSignal);
        expect(signal).not.toBe(controller.signal); // the breaker's, which follows the caller's
        controller.abort(new Error('user left'));
        expect(await pending).toMatchObject({ message: 'user left' });
        expect(breaker.getMetrics()).toMatchObject({ ignoredCount: 1, failureCount: 0 });

        void lookup('192.0.2.2').catch(() => {});
        expect(args[1]?.slice(0, 2)).toEqual(['192.0.2.2', undefined]);
        expect(args[1]?.[2]).toBeInstanceOf(AbortSignal);
      });

      it('refuses a function with no parameter to take the signal, and other signal values', () => {
        const { breaker } = setup();
        expect(() => breaker.wrap(() => 1, { signal: 'last' })).toThrow(/must declare the signal/);
        expect(() => breaker.wrap((_a = 1) => _a, { signal: 'last' })).toThrow(TypeError);
        expect(() => breaker.wrap((a: number) => a, { signal: 'first' as never })).toThrow(
          new TypeError(`wrap(fn, options): signal must be 'last', got "first"`),
        );
      });
    });
  });

  describe('manual API', () => {
    it('allowRequest() admits calls that success() and failure() report, oldest first', () => {
      const { breaker, clock } = setup({ failureThreshold: 2, resetTimeout: 100 });
      expect(breaker.allowRequest()).toBe(true);
      expect(breaker.allowRequest()).toBe(true);
      expect(breaker.getMetrics().inFlight).toBe(2);
      breaker.failure(new Error('a'));
      breaker.failure(new Error('b'));
      expect(breaker.state).toBe('open');
      expect(breaker.allowRequest()).toBe(false);
      expect(breaker.getMetrics()).toMatchObject({ inFlight: 0, rejectedCount: 1 });
      breaker.success(); // nothing outstanding: a no-op
      breaker.failure();
      expect(breaker.getMetrics()).toMatchObject({ successCount: 0, failureCount: 2 });
      clock.advance(100);
      expect(breaker.allowRequest()).toBe(true);
      expect(breaker.allowRequest()).toBe(false);
      breaker.success();
      expect(breaker.state).toBe('closed');
    });

    it('judges failure(error) with isFailure and ignore, as execute() judges a thrown error', () => {
      const { breaker } = setup({
        failureThreshold: 1,
        isFailure: (e) => (e as { status?: number }).status !== 404,
        ignore: [NotFound],
      });
      breaker.allowRequest();
      breaker.failure({ status: 404 });
      breaker.allowRequest();
      breaker.failure(new Gone());
      expect(breaker.state).toBe('closed');
      expect(breaker.getMetrics()).toMatchObject({ successCount: 1, ignoredCount: 1, failureCount: 0 });
      breaker.allowRequest();
      breaker.failure({ status: 500 });
      expect(breaker.state).toBe('open');
    });
  });

  describe('events', () => {
    it('emits stateChange with from, to and reason through a whole cycle', () => {
      const { breaker, clock, changes } = setup({ failureThreshold: 1, resetTimeout: 10 });
      fail(breaker);
      clock.advance(10);
      breaker.acquire().failure(new Error('x'));
      clock.advance(10);
      breaker.acquire().success();
      expect(changes).toEqual([
        { from: 'closed', to: 'open', reason: 'consecutive_failures' },
        { from: 'open', to: 'half_open', reason: 'reset_timeout' },
        { from: 'half_open', to: 'open', reason: 'trial_failed' },
        { from: 'open', to: 'half_open', reason: 'reset_timeout' },
        { from: 'half_open', to: 'closed', reason: 'trial_succeeded' },
      ]);
      expect(breaker.getMetrics().stateChanges).toBe(5);
    });

    it('emits success, failure, ignored and reject with their payloads', async () => {
      const { breaker, clock } = setup({
        failureThreshold: 2,
        ignore: [NotFound],
        window: { type: 'count', size: 10 },
        slowCallDuration: 1000,
      });
      const seen: Array<[string, unknown]> = [];
      breaker.on('success', (e) => seen.push(['success', e]));
      breaker.on('failure', (e) => seen.push(['failure', e]));
      breaker.on('ignored', (e) => seen.push(['ignored', e]));
      breaker.on('reject', (e) => seen.push(['reject', e]));
      await breaker.execute(() => {
        clock.advance(12);
        return 1;
      });
      const boom = new Error('boom');
      const notFound = new NotFound();
      await breaker.execute(() => Promise.reject(boom)).catch(() => {});
      await breaker.execute(() => Promise.reject(notFound)).catch(() => {});
      await breaker.execute(() => Promise.reject(boom)).catch(() => {});
      const rejected = await rejection(breaker.execute(() => 1));
      expect(seen).toEqual([
        ['success', { durationMs: 12, state: 'closed' }],
        ['failure', { error: boom, durationMs: 0, state: 'closed' }],
        ['ignored', { error: notFound, state: 'closed' }],
        ['failure', { error: boom, durationMs: 0, state: 'closed' }],
        ['reject', { error: rejected }],
      ]);
    });

    it('returns an unsubscribe function that removes only that subscription, once', () => {
      const { breaker } = setup();
      const listener = vi.fn();
      const off1 = breaker.on('success', listener);
      const off2 = breaker.on('success', listener);
      succeed(breaker);
      expect(listener).toHaveBeenCalledTimes(2);
      off1();
      off1();
      succeed(breaker);
      expect(listener).toHaveBeenCalledTimes(3);
      off2();
      succeed(breaker);
      expect(listener).toHaveBeenCalledTimes(3);
    });

    it('rejects unknown events and listeners that are not functions', () => {
      const { breaker } = setup();
      expect(() => breaker.on('open' as never, () => {})).toThrow(TypeError);
      expect(() => breaker.on('success', 'nope' as never)).toThrow(TypeError);
    });

    it('reports a throwing listener through onListenerError and never breaks the call', async () => {
      const onListenerError = vi.fn();
      const { breaker } = setup({ failureThreshold: 1, onListenerError });
      const listenerError = new Error('listener bug');
      const after = vi.fn();
      breaker.on('stateChange', () => {
        throw listenerError;
      });
      breaker.on('stateChange', after);
      breaker.on('success', () => {
        throw listenerError;
      });
      await expect(breaker.execute(() => 'ok')).resolves.toBe('ok');
      await expect(breaker.execute(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
      expect(breaker.state).toBe('open');
      expect(after).toHaveBeenCalledTimes(1);
      expect(onListenerError.mock.calls).toEqual([
        [listenerError, 'success'],
        [listenerError, 'stateChange'],
      ]);
    });

    it('logs listener errors with console.error once per breaker by default', () => {
      const spy = vi.spyOn(console, 'error').mockImplementation(() => {});
      const { breaker: a } = setup({ name: 'a' });
      const { breaker: b } = setup({ name: 'b' });
      for (const breaker of [a, b]) {
        breaker.on('success', () => {
          throw new Error('listener bug');
        });
      }
      succeed(a, 3);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(spy.mock.calls[0]?.[0]).toMatch(/"success" listener or hook of breaker "a" threw/);
      succeed(b, 2);
      expect(spy).toHaveBeenCalledTimes(2);
      expect(spy.mock.calls[1]?.[0]).toMatch(/breaker "b"/);
    });
  });

  describe('a clock that throws', () => {
    it('loses no call, rejects nothing unhandled, and reports it as a clock error', async () => {
      const unhandled: unknown[] = [];
      const onUnhandled = (reason: unknown) => unhandled.push(reason);
      process.on('unhandledRejection', onUnhandled);
      try {
        let reads = 0;
        const clock = {
          now: () => {
            if (++reads % 2 === 0) throw new Error('clock broke');
            return reads;
          },
        };
        const sources: string[] = [];
        const breaker = new CircuitBreaker({
          ...off,
          clock,
          window: { type: 'count', size: 5 },
          slowCallDuration: 10,
          onListenerError: (_, source) => sources.push(source),
        });
        for (let i = 0; i < 20; i++) {
          await expect(breaker.execute(() => i)).resolves.toBe(i);
          await expect(breaker.execute(() => Promise.reject(new Error('down')))).rejects.toThrow('down');
          breaker.tryAcquire()?.ignore();
          breaker.close();
        }
        await new Promise((resolve) => setImmediate(resolve));
        expect(unhandled).toEqual([]);
        expect(breaker.getMetrics()).toMatchObject({ inFlight: 0, successCount: 20, failureCount: 20 });
        expect(sources.length).toBeGreaterThan(0);
        expect(new Set(sources)).toEqual(new Set(['clock']));
      } finally {
        process.off('unhandledRejection', onUnhandled);
      }
    });

    it('stands in the last good reading for one that is not a finite number', () => {
      let reading: unknown = 100;
      const sources: string[] = [];
      const breaker = new CircuitBreaker({
        ...off,
        clock: { now: () => reading as number },
        failureThreshold: 1,
        resetTimeout: 50,
        onListenerError: (_, source) => sources.push(source),
      });
      breaker.acquire().failure();
      reading = Number.NaN;
      expect(breaker.getMetrics()).toMatchObject({ state: 'open', retryAfterMs: 50 });
      expect(sources).toContain('clock');
      reading = 150;
      expect(breaker.state).toBe('half_open');
    });
  });

  describe('getMetrics', () => {
    it('reports rates in percent, null until minimumCalls and never -1', () => {
      const { breaker } = setup({
        window: { type: 'count', size: 10 },
        minimumCalls: 3,
        failureRateThreshold: 100,
        slowCallDuration: 1000,
      });
      expect(breaker.getMetrics()).toMatchObject({ failureRate: null, slowCallRate: null, bufferedCalls: 0 });
      fail(breaker);
      succeed(breaker);
      expect(breaker.getMetrics()).toMatchObject({ failureRate: null, slowCallRate: null, bufferedCalls: 2 });
      succeed(breaker);
      const m = breaker.getMetrics();
      expect(m.failureRate).toBeCloseTo(100 / 3);
      expect(m.slowCallRate).toBe(0);
    });

    it('has no rates without a window', () => {
      const { breaker } = setup();
      fail(breaker, 3);
      expect(breaker.getMetrics()).toMatchObject({ failureRate: null, slowCallRate: null, bufferedCalls: 0 });
    });
  });

  describe('toJSON and initialState', () => {
    const restore = (snapshot: unknown, options: CircuitBreakerOptions = {}, startMs = 0) => {
      const clock = createTestClock(startMs);
      const breaker = new CircuitBreaker({
        ...off,
        clock,
        ...options,
        initialState: JSON.parse(JSON.stringify(snapshot)) as BreakerSnapshot,
      });
      return { breaker, clock };
    };

    it('round-trips an open circuit with the time it has left and the counts', () => {
      const options = { name: 'p', failureThreshold: 2, resetTimeout: 1000 };
      const { breaker, clock } = setup(options);
      succeed(breaker);
      breaker.acquire().ignore();
      fail(breaker, 2);
      breaker.tryAcquire();
      clock.advance(300);
      const snapshot = breaker.toJSON();
      expect(snapshot).toEqual({
        version: 1,
        name: 'p',
        state: 'open',
        retryAfterMs: 700,
        consecutiveFailures: 2,
        counts: { success: 1, failure: 2, ignored: 1, rejected: 1, timeout: 0, stateChanges: 1 },
      });
      const { breaker: copy, clock: copyClock } = restore(snapshot, options, 123_456);
      expect(copy.state).toBe('open');
      expect(copy.retryAfterMs).toBe(700);
      const { retryAfterMs: _a, inFlight: _b, ...metrics } = breaker.getMetrics();
      expect(copy.getMetrics()).toMatchObject(metrics);
      copyClock.advance(699);
      expect(copy.state).toBe('open');
      copyClock.advance(1);
      expect(copy.state).toBe('half_open');
    });

    it('round-trips closed, half_open, forced_open and disabled', () => {
      for (const state of ['closed', 'half_open', 'forced_open', 'disabled'] as const) {
        const { breaker, clock } = setup({ failureThreshold: 3, resetTimeout: 10 });
        fail(breaker, state === 'closed' ? 2 : 3);
        clock.advance(10);
        if (state === 'forced_open') breaker.forceOpen();
        if (state === 'disabled') breaker.disable();
        expect(breaker.state).toBe(state);
        const { breaker: copy } = restore(breaker.toJSON(), { failureThreshold: 3 });
        expect(copy.state).toBe(state);
        expect(copy.getMetrics().consecutiveFailures).toBe(breaker.getMetrics().consecutiveFailures);
        if (state === 'closed') {
          fail(copy);
          expect(copy.state).toBe('open'); // the restored count keeps counting
        }
        if (state === 'half_open') {
          copy.acquire().success();
          expect(copy.state).toBe('closed');
        }
      }
    });

    it('round-trips a count window, oldest outcome first', () => {
      const options = { window: { type: 'count', size: 4 }, minimumCalls: 4 } as const;
      const { breaker } = setup(options);
      fail(breaker);
      succeed(breaker, 4); // the failure has slid out
      fail(breaker); // S S S F
      const { breaker: copy } = restore(breaker.toJSON(), options);
      expect(copy.getMetrics()).toMatchObject({ bufferedCalls: 4, failureRate: 25 });
      fail(copy); // S S F F: the oldest success slides out, not the failure
      expect(copy.state).toBe('open');
    });

    it('round-trips a time window, keeping how old each bucket is', () => {
      const options = { window: { type: 'time', duration: 1000, buckets: 10 }, minimumCalls: 1 } as const;
      const { breaker, clock } = setup({ ...options, failureRateThreshold: 100 });
      succeed(breaker);
      clock.advance(600);
      fail(breaker);
      succeed(breaker);
      const { breaker: copy, clock: copyClock } = restore(breaker.toJSON(), options, 5000);
      expect(copy.getMetrics()).toMatchObject({ bufferedCalls: 3, failureRate: (1 / 3) * 100 });
      copyClock.advance(400); // the bucket written 600 ms before the snapshot has left the window
      expect(copy.getMetrics()).toMatchObject({ bufferedCalls: 2, failureRate: 50 });
      copyClock.advance(600);
      expect(copy.getMetrics()).toMatchObject({ bufferedCalls: 0, failureRate: null });
    });

    it('rejects a malformed initialState with a TypeError naming the problem', () => {
      const good = setup().breaker.toJSON();
      const cases: Array<[unknown, RegExp]> = [
        ['saved', /initialState must be an object, got "saved"/],
        [{ ...good, version: 2 }, /initialState\.version must be 1, got 2/],
        [{ ...good, state: 'ajar' }, /initialState\.state is not a circuit state: "ajar"/],
        [
          { ...good, state: 'open' },
          /initialState\.retryAfterMs must be a finite number >= 0 .*got undefined/,
        ],
        [{ ...good, state: 'open', retryAfterMs: -1 }, /retryAfterMs.*got -1/],
        [{ ...good, state: 'open', retryAfterMs: Number.POSITIVE_INFINITY }, /retryAfterMs.*got Infinity/],
        [{ ...good, consecutiveFailures: 1.5 }, /initialState\.consecutiveFailures .*got 1\.5/],
        [{ ...good, counts: undefined }, /initialState\.counts must be an object/],
        [{ ...good, counts: { ...good.counts, failure: -1 } }, /initialState\.counts\.failure .*got -1/],
        [{ ...good, window: 7 }, /initialState\.window must be an object, got 7/],
        [{ ...good, window: { type: 'sliding' } }, /initialState\.window\.type must be 'count' or 'time'/],
        [
          { ...good, window: { type: 'count', outcomes: [0, 'x'] } },
          /initialState\.window\.outcomes must be/,
        ],
        [{ ...good, window: { type: 'count', outcomes: [4] } }, /initialState\.window\.outcomes must be/],
        [{ ...good, window: { type: 'time' } }, /initialState\.window\.buckets must be .*got undefined/],
        [{ ...good, window: { type: 'time', buckets: [[0.5, 1, 0, 0]] } }, /initialState\.window\.buckets/],
        [{ ...good, window: { type: 'time', buckets: [[0, 1, 2, 0]] } }, /initialState\.window\.buckets/],
        [{ ...good, window: { type: 'time', buckets: [5] } }, /initialState\.window\.buckets/],
      ];
      for (const [initialState, message] of cases) {
        expect(() => new CircuitBreaker({ ...off, initialState: initialState as BreakerSnapshot })).toThrow(
          message,
        );
        expect(() => new CircuitBreaker({ ...off, initialState: initialState as BreakerSnapshot })).toThrow(
          TypeError,
        );
      }
    });
  });

  describe('errors', () => {
    it('creates rejections without a stack trace by default', () => {
      const { breaker } = setup();
      breaker.forceOpen();
      const error = thrown(() => breaker.acquire()) as Error;
      expect(error).toBeInstanceOf(CircuitOpenError);
      expect(error).toBeInstanceOf(CircuitBreakerError);
      expect(error.name).toBe('CircuitOpenError');
      expect(error.stack).not.toMatch(/\n\s+at /);
      expect(Error.stackTraceLimit).toBeGreaterThan(0); // restored after the capture was skipped
    });

    it('captures stack traces with rejectionStackTraces: true', () => {
      const { breaker } = setup({ rejectionStackTraces: true });
      breaker.forceOpen();
      const error = thrown(() => breaker.acquire()) as Error;
      expect(error.stack).toMatch(/\n\s+at /);
    });

    it('recognises errors by code, so two copies of the package agree', () => {
      const foreign = { code: 'CIRCUIT_OPEN', retryAfterMs: 5 };
      expect(isCircuitOpenError(foreign)).toBe(true);
      expect(isCircuitBreakerError(foreign)).toBe(true);
      expect(isCallTimeoutError({ code: 'CALL_TIMEOUT' })).toBe(true);
      expect(isCircuitOpenError({ code: 'CALL_TIMEOUT' })).toBe(false);
      expect(isCircuitOpenError(new Error('x'))).toBe(false);
      expect(isCircuitOpenError(null)).toBe(false);
      expect(isCircuitOpenError('CIRCUIT_OPEN')).toBe(false);
    });
  });
});

describe('CircuitBreaker.admit', () => {
  it('returns a permit, or the rejection without throwing it', () => {
    const { breaker } = setup({ failureThreshold: 1, resetTimeout: 1000 });
    const permit = breaker.admit();
    expect(isCircuitOpenError(permit)).toBe(false);
    (permit as ReturnType<CircuitBreaker['acquire']>).failure(new Error('down'));
    const rejection = breaker.admit({ attributes: { 'http.route': '/x' } });
    expect(isCircuitOpenError(rejection)).toBe(true);
    expect(rejection).toMatchObject({ breakerName: 'default', state: 'open', retryAfterMs: 1000 });
    expect(breaker.getMetrics()).toMatchObject({ failureCount: 1, rejectedCount: 1, inFlight: 0 });
  });
});
