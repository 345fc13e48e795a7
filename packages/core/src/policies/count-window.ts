import type { RateWindow, WindowSnapshot } from './rate-window.js';

const FAILED = 1;
const SLOW = 2;

/** @internal the last `size` outcomes in a ring of bytes; totals are kept up to date on every record. */
export class CountWindow implements RateWindow {
  calls = 0;
  failures = 0;
  slow = 0;
  private readonly ring: Uint8Array;
  private next = 0;

  constructor(readonly size: number) {
    this.ring = new Uint8Array(size);
  }

  record(failed: boolean, slow: boolean, _now: number): void {
    const code = (failed ? FAILED : 0) | (slow ? SLOW : 0);
    const i = this.next;
    if (this.calls === this.size) {
      const old = this.ring[i] as number;
      this.failures -= old & FAILED;
      this.slow -= (old & SLOW) >> 1;
    } else {
      this.calls++;
    }
    this.ring[i] = code;
    this.failures += code & FAILED;
    this.slow += (code & SLOW) >> 1;
    this.next = i + 1 === this.size ? 0 : i + 1;
  }

  expire(_now: number): void {}

  reset(): void {
    this.calls = 0;
    this.failures = 0;
    this.slow = 0;
    this.next = 0;
  }

  snapshot(_now: number): WindowSnapshot {
    const outcomes: number[] = [];
    const start = this.calls === this.size ? this.next : 0;
    for (let k = 0; k < this.calls; k++) outcomes.push(this.ring[(start + k) % this.size] as number);
    return { type: 'count', outcomes };
  }

  restore(snapshot: WindowSnapshot, now: number): void {
    this.reset();
    if (snapshot.type !== 'count' || !Array.isArray(snapshot.outcomes)) return;
    for (const code of snapshot.outcomes.slice(-this.size)) {
      if (typeof code === 'number') this.record((code & FAILED) !== 0, (code & SLOW) !== 0, now);
    }
  }
}
