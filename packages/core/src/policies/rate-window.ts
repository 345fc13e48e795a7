/** What a breaker's window remembers, as saved in `BreakerSnapshot.window` by `toJSON()`. */
export interface WindowSnapshot {
  readonly type: 'count' | 'time';
  /** count: one outcome code per call, oldest first (bit 0 = failure, bit 1 = slow). */
  readonly outcomes?: readonly number[];
  /** time: per bucket, [ageInBuckets, calls, failures, slow], newest first. */
  readonly buckets?: ReadonlyArray<readonly [number, number, number, number]>;
}

/** @internal the running totals a rate rule is decided on. */
export interface RateWindow {
  /** Calls currently in the window. */
  readonly calls: number;
  readonly failures: number;
  readonly slow: number;
  /** Adds one outcome at time `now`. */
  record(failed: boolean, slow: boolean, now: number): void;
  /** Drops what has aged out by `now` (a no-op for count windows). */
  expire(now: number): void;
  reset(): void;
  snapshot(now: number): WindowSnapshot;
  restore(snapshot: WindowSnapshot, now: number): void;
}
