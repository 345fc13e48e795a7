import type { BreakerCounts } from './snapshot.js';

/**
 * @internal A breaker's lifetime counts, kept as one record so that `reset()`, `toJSON()` and
 * `initialState` each handle them in one line.
 */
export class LifetimeCounts implements BreakerCounts {
  success = 0;
  failure = 0;
  ignored = 0;
  rejected = 0;
  timeout = 0;
  stateChanges = 0;

  /** A plain copy, for snapshots. */
  toJSON(): BreakerCounts {
    const { success, failure, ignored, rejected, timeout, stateChanges } = this;
    return { success, failure, ignored, rejected, timeout, stateChanges };
  }

  /** Takes the counts of a snapshot (or zeroes, for `reset()`). */
  restore(counts: BreakerCounts = ZERO): void {
    this.success = counts.success;
    this.failure = counts.failure;
    this.ignored = counts.ignored;
    this.rejected = counts.rejected;
    this.timeout = counts.timeout;
    this.stateChanges = counts.stateChanges;
  }
}

const ZERO: BreakerCounts = Object.freeze({
  success: 0,
  failure: 0,
  ignored: 0,
  rejected: 0,
  timeout: 0,
  stateChanges: 0,
});
