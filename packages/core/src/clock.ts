import { performance } from 'node:perf_hooks';

/**
 * A source of time in milliseconds. Only differences between readings matter, so a monotonic clock is
 * preferred: it never jumps when the wall clock is adjusted.
 */
export interface Clock {
  /** The current time in milliseconds. */
  now(): number;
}

/** A {@link Clock} that tests move by hand. */
export interface TestClock extends Clock {
  /**
   * Moves the clock forward.
   * @throws RangeError when `ms` is negative or not finite.
   */
  advance(ms: number): void;
  /**
   * Sets the clock to an absolute reading; it may not go backwards.
   * @throws RangeError when `ms` is earlier than the current reading or not finite.
   */
  set(ms: number): void;
}

/**
 * The default clock: `performance.now()`, monotonic and sub-millisecond. Bound once, from
 * `node:perf_hooks`: the global `performance` is a lazy getter, and a wrapper adds a call per read.
 */
export const systemClock: Clock = { now: performance.now.bind(performance) };

/**
 * Creates a clock that only moves when told to, for deterministic tests of timeouts and reset periods.
 *
 * @param startMs - the first reading; `0` by default.
 * @example
 * ```ts
 * const clock = createTestClock();
 * const breaker = new CircuitBreaker({ resetTimeout: 1000, clock });
 * clock.advance(1000); // the next call is a half-open trial
 * ```
 */
export function createTestClock(startMs = 0): TestClock {
  if (!Number.isFinite(startMs))
    throw new RangeError(`startMs must be a finite number, got ${String(startMs)}`);
  let current = startMs;
  return {
    now: () => current,
    advance(ms: number) {
      if (!Number.isFinite(ms) || ms < 0) {
        throw new RangeError(`advance(ms) needs a finite number >= 0, got ${String(ms)}`);
      }
      current += ms;
    },
    set(ms: number) {
      if (!Number.isFinite(ms) || ms < current) {
        throw new RangeError(
          `set(ms) needs a finite number >= the current reading ${current}, got ${String(ms)}`,
        );
      }
      current = ms;
    },
  };
}
