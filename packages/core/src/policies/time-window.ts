import type { RateWindow, WindowSnapshot } from './rate-window.js';

/**
 * @internal The outcomes of the last `duration` ms, in `buckets` slices of `duration / buckets` ms. A
 * slice is cleared when time moves past it, so after an idle period the old outcomes are gone.
 */
export class TimeWindow implements RateWindow {
  calls = 0;
  failures = 0;
  slow = 0;
  private readonly sliceMs: number;
  /** Per slot: calls, failures, slow (3 numbers per slot). */
  private readonly counts: Float64Array;
  /** The absolute slice number that the newest slot holds; -Infinity before the first record. */
  private head = Number.NEGATIVE_INFINITY;

  constructor(
    readonly duration: number,
    readonly buckets: number,
  ) {
    this.sliceMs = duration / buckets;
    this.counts = new Float64Array(buckets * 3);
  }

  record(failed: boolean, slow: boolean, now: number): void {
    this.expire(now);
    const base = this.slotOf(this.head) * 3;
    const c = this.counts;
    c[base] = (c[base] as number) + 1;
    this.calls++;
    if (failed) {
      c[base + 1] = (c[base + 1] as number) + 1;
      this.failures++;
    }
    if (slow) {
      c[base + 2] = (c[base + 2] as number) + 1;
      this.slow++;
    }
  }

  expire(now: number): void {
    const slice = Math.floor(now / this.sliceMs);
    if (slice <= this.head) return;
    if (slice - this.head >= this.buckets) {
      this.clear();
    } else {
      for (let s = this.head + 1; s <= slice; s++) this.clearSlot(this.slotOf(s));
    }
    this.head = slice;
  }

  reset(): void {
    this.clear();
    this.head = Number.NEGATIVE_INFINITY;
  }

  snapshot(now: number): WindowSnapshot {
    this.expire(now);
    const buckets: Array<[number, number, number, number]> = [];
    for (let age = 0; age < this.buckets; age++) {
      const base = this.slotOf(this.head - age);
      const calls = this.counts[base * 3] as number;
      if (calls > 0)
        buckets.push([age, calls, this.counts[base * 3 + 1] as number, this.counts[base * 3 + 2] as number]);
    }
    return { type: 'time', buckets };
  }

  restore(snapshot: WindowSnapshot, now: number): void {
    this.reset();
    this.expire(now);
    if (snapshot.type !== 'time' || !Array.isArray(snapshot.buckets)) return;
    for (const entry of snapshot.buckets) {
      const [age, calls, failures, slow] = entry;
      if (!(age >= 0 && age < this.buckets) || !(calls >= 0 && failures >= 0 && slow >= 0)) continue;
      const base = this.slotOf(this.head - age) * 3;
      this.counts[base] = calls;
      this.counts[base + 1] = failures;
      this.counts[base + 2] = slow;
      this.calls += calls;
      this.failures += failures;
      this.slow += slow;
    }
  }

  private slotOf(slice: number): number {
    const r = slice % this.buckets;
    return r < 0 ? r + this.buckets : r;
  }

  private clearSlot(slot: number): void {
    const base = slot * 3;
    const c = this.counts;
    this.calls -= c[base] as number;
    this.failures -= c[base + 1] as number;
    this.slow -= c[base + 2] as number;
    c[base] = 0;
    c[base + 1] = 0;
    c[base + 2] = 0;
  }

  private clear(): void {
    this.counts.fill(0);
    this.calls = 0;
    this.failures = 0;
    this.slow = 0;
  }
}
