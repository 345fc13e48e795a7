import { show } from './check.js';
import type { Clock } from './clock.js';

/**
 * @internal A breaker's reading of the user's clock. A clock that throws (or answers something that is not
 * a finite number) must not lose a call or crash the host through `execute()`'s side chain: it is
 * reported as a `clock` hook error and the last good reading stands in.
 */
export class GuardedClock {
  private last = 0;

  constructor(
    private readonly clock: Clock,
    private readonly report: (error: unknown, hook: string) => void,
  ) {}

  now(): number {
    let t: unknown;
    try {
      t = this.clock.now();
    } catch (error) {
      this.report(error, 'clock');
      return this.last;
    }
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      this.report(new TypeError(`clock.now() must return a finite number, got ${show(t)}`), 'clock');
      return this.last;
    }
    this.last = t;
    return t;
  }
}
