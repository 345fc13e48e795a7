import { performance } from 'node:perf_hooks';
import { show } from './check.js';
import { type Clock, systemClock } from './clock.js';

/**
 * @internal Reads the user's clock for a breaker. A clock that throws (or answers something that is not a
 * finite number) must not lose a call or crash the host through `execute()`'s side chain: it is reported
 * as a `clock` hook error and `last`, the breaker's last good reading, stands in. The system clock is read
 * directly: it cannot throw, and a timed call reads the clock twice.
 */
export function readClock(
  clock: Clock,
  hooks: { report(error: unknown, hook: string): void },
  last: number,
): number {
  if (clock === systemClock) return performance.now();
  let t: unknown;
  try {
    t = clock.now();
  } catch (error) {
    hooks.report(error, 'clock');
    return last;
  }
  if (typeof t !== 'number' || !Number.isFinite(t)) {
    hooks.report(new TypeError(`clock.now() must return a finite number, got ${show(t)}`), 'clock');
    return last;
  }
  return t;
}
