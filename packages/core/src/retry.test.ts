import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { createTestClock } from './clock.js';
import { CircuitOpenError } from './errors.js';
import { retry } from './retry.js';

describe('retry', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.restoreAllMocks();
  });

  /** A function that fails `failures` times, then returns 'ok'; it records when it was called. */
  function flaky(failures: number, error: unknown = new Error('flaky')) {
    const calls: number[] = [];
    const fn = vi.fn(async () => {
      calls.push(Date.now());
      if (calls.length <= failures) throw error;
      return 'ok';
    });
    return { fn, calls };
  }

  it('returns the first success, backing off exponentially between attempts', async () => {
    const { fn, calls } = flaky(3);
    const start = Date.now();
    const result = retry(fn, { jitter: 'none', initialDelay: 100, backoffFactor: 2 });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('ok');
    expect(calls.map((t) => t - start)).toEqual([0, 100, 300, 700]);
  });

  it('passes the attempt number and gives up after maxRetries with the last error', async () => {
    const errors = [new Error('1'), new Error('2'), new Error('3')];
    const attempts: number[] = [];
    const result = retry(
      async (attempt) => {
        attempts.push(attempt);
        throw errors[attempt - 1];
      },
      { maxRetries: 2, jitter: 'none' },
    );
    const settled = expect(result).rejects.toBe(errors[2]);
    await vi.runAllTimersAsync();
    await settled;
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('caps delays at maxDelay', async () => {
    const { fn, calls } = flaky(3);
    const start = Date.now();
    const result = retry(fn, { jitter: 'none', initialDelay: 100, backoffFactor: 10, maxDelay: 500 });
    await vi.runAllTimersAsync();
    await result;
    expect(calls.map((t) => t - start)).toEqual([0, 100, 600, 1100]);
  });

  it('draws full jitter between 0 and the backoff, and equal jitter in its upper half', async () => {
    vi.spyOn(Math, 'random').mockReturnValue(0.25);
    const full = flaky(1);
    let start = Date.now();
    let result = retry(full.fn, { initialDelay: 400 });
    await vi.runAllTimersAsync();
    await result;
    expect((full.calls[1] as number) - start).toBe(100);

    const equal = flaky(1);
    start = Date.now();
    result = retry(equal.fn, { initialDelay: 400, jitter: 'equal' });
    await vi.runAllTimersAsync();
    await result;
    expect((equal.calls[1] as number) - start).toBe(250);
  });

  it('stops when shouldRetry says no, and re-throws non-Error values unchanged', async () => {
    const thrown = { reason: 'not an Error' };
    const { fn } = flaky(5, thrown);
    const shouldRetry = vi.fn((_error: unknown, attempt: number) => attempt < 2);
    const result = retry(fn, { shouldRetry, jitter: 'none' });
    const settled = expect(result).rejects.toBe(thrown);
    await vi.runAllTimersAsync();
    await settled;
    expect(fn).toHaveBeenCalledTimes(2);
    expect(shouldRetry).toHaveBeenLastCalledWith(thrown, 2);
  });

  it('rejects with the signal reason when aborted during a wait, and does not start when already aborted', async () => {
    const { fn } = flaky(5);
    const controller = new AbortController();
    const result = retry(fn, { signal: controller.signal, jitter: 'none', initialDelay: 1000 });
    const settled = expect(result).rejects.toBe('stop');
    await vi.advanceTimersByTimeAsync(10);
    controller.abort('stop');
    await settled;
    expect(fn).toHaveBeenCalledTimes(1);

    const never = vi.fn(async () => 'x');
    await expect(retry(never, { signal: AbortSignal.abort('early') })).rejects.toBe('early');
    expect(never).not.toHaveBeenCalled();
  });

  it('re-throws a CircuitOpenError at once when its retryAfterMs exceeds the remaining budget', async () => {
    const open = new CircuitOpenError('payments', 'open', 60_000, 'circuit_open');
    const fn = vi.fn(async () => {
      throw open;
    });
    await expect(retry(fn, { maxRetries: 3, initialDelay: 100, jitter: 'none' })).rejects.toBe(open);
    expect(fn).toHaveBeenCalledTimes(1);
    const forced = new CircuitOpenError('payments', 'forced_open', Number.POSITIVE_INFINITY, 'circuit_open');
    await expect(retry(async () => Promise.reject(forced))).rejects.toBe(forced);
  });

  it('waits out an open circuit when the wait fits in the budget, then succeeds through the breaker', async () => {
    const clock = createTestClock();
    const breaker = new CircuitBreaker({
      failureThreshold: 1,
      resetTimeout: 500,
      clock,
      telemetry: { enabled: false },
    });
    await breaker.execute(() => Promise.reject(new Error('down'))).catch(() => {});
    expect(breaker.state).toBe('open');
    const upstream = vi.fn(async () => 'recovered');
    const start = Date.now();
    const result = retry(
      () => {
        clock.set(Date.now() - start); // the breaker's clock follows the fake timers
        return breaker.execute(upstream);
      },
      { maxRetries: 3, initialDelay: 100, backoffFactor: 2, jitter: 'none' },
    );
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('recovered');
    expect(upstream).toHaveBeenCalledTimes(1);
    expect(Date.now() - start).toBe(501); // the reset period plus the 1 ms margin against early timers
    expect(breaker.getMetrics().rejectedCount).toBe(1);
  });

  it('waits a little past a short retryAfterMs, so an early timer does not burn an attempt', async () => {
    const open = new CircuitOpenError('payments', 'open', 20.3, 'circuit_open');
    const fn = vi.fn().mockRejectedValueOnce(open).mockResolvedValueOnce('ok');
    const start = Date.now();
    const result = retry(fn, { initialDelay: 10, jitter: 'none' });
    await vi.runAllTimersAsync();
    await expect(result).resolves.toBe('ok');
    expect(Date.now() - start).toBe(22); // ceil(20.3) + 1, not the 10 ms backoff nor 20.3 ms
  });

  it('validates its options', () => {
    const fn = vi.fn(async () => 1);
    // The message says what is accepted: 0 is (a single attempt).
    expect(() => retry(fn, { maxRetries: -1 })).toThrow(
      new RangeError('maxRetries must be an integer >= 0, got -1'),
    );
    expect(() => retry(fn, { maxRetries: 1.5 })).toThrow(RangeError);
    expect(() => retry(fn, { backoffFactor: 0.5 })).toThrow(
      /backoffFactor must be a finite number >= 1, got 0.5/,
    );
    expect(() => retry(fn, { initialDelay: Number.NaN })).toThrow(
      /initialDelay must be a finite number of ms >= 0, got NaN/,
    );
    expect(() => retry(fn, { maxDelay: -1 })).toThrow(/maxDelay/);
    expect(() => retry(fn, { jitter: 'some' as 'full' })).toThrow(
      /jitter must be 'full', 'equal' or 'none', got "some"/,
    );
    expect(() => retry(fn, { shouldRetry: 3 as never })).toThrow(/shouldRetry must be a function, got 3/);
    expect(() => retry(42 as never)).toThrow(TypeError);
    expect(fn).not.toHaveBeenCalled();
  });

  it('refuses unknown options and delays no timer can hold (above 2^31-1 ms), naming them', () => {
    const fn = vi.fn(async () => 1);
    expect(() => retry(fn, { maxRetriez: 2 } as never)).toThrow(
      new TypeError('unknown option "maxRetriez" (did you mean "maxRetries"?)'),
    );
    expect(() => retry(fn, 'fast' as never)).toThrow(TypeError);
    for (const option of ['initialDelay', 'maxDelay'] as const) {
      expect(() => retry(fn, { [option]: 2 ** 31 })).toThrow(
        new RangeError(
          `${option} must be at most 2147483647 ms (2^31-1, the longest timer Node.js sets), got 2147483648`,
        ),
      );
    }
    expect(() => retry(fn, { initialDelay: 2 ** 31 - 1, maxDelay: 2 ** 31 - 1 })).not.toThrow();
    expect(() => retry(fn, { maxRetries: null, signal: null } as never)).not.toThrow();
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('re-throws a CircuitOpenError whose wait no timer can hold, even within the budget', async () => {
    const open = new CircuitOpenError('payments', 'open', 2 ** 31, 'circuit_open');
    const fn = vi.fn(async () => {
      throw open;
    });
    const max = 2 ** 31 - 1;
    await expect(retry(fn, { maxRetries: 3, initialDelay: max, maxDelay: max, jitter: 'none' })).rejects.toBe(
      open,
    );
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('maxRetries: 0 makes a single attempt', async () => {
    const { fn } = flaky(1);
    await expect(retry(fn, { maxRetries: 0 })).rejects.toThrow('flaky');
    expect(fn).toHaveBeenCalledTimes(1);
  });
});
