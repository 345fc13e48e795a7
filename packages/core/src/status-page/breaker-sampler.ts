import type { BreakerMetrics } from '../circuit-breaker.js';

/** Samples kept: 3 minutes at one a second, the sparkline's width. */
export const HISTORY_SAMPLES = 180;
const RATE_SAMPLES = 5;
const SHARE_SAMPLES = 5;

/** One second: [seconds it spans, calls settled, of which failures, calls rejected]. */
type Sample = [number, number, number, number];

/**
 * The recent numbers of one breaker, sampled once a second while a status page is open: per-second
 * deltas of its lifetime counts, from which calls/s, rejected/s and the failure share are read. Lives only
 * while the page does, so nothing is counted when nobody looks.
 */
export class BreakerSampler {
  private last: { at: number; calls: number; failures: number; rejected: number } | undefined;
  /** Oldest first. */
  private readonly samples: Sample[] = [];

  /** Records the counts of `metrics` at `now` (epoch ms). */
  sample(metrics: BreakerMetrics, now: number): void {
    const calls = metrics.successCount + metrics.failureCount + metrics.ignoredCount;
    const failures = metrics.failureCount;
    const rejected = metrics.rejectedCount;
    const last = this.last;
    this.last = { at: now, calls, failures, rejected };
    if (last === undefined || now <= last.at) return;
    // A reset() zeroes the counts: a negative delta means "started again from 0".
    const delta = (a: number, b: number) => (a >= b ? a - b : a);
    this.samples.push([
      (now - last.at) / 1000,
      delta(calls, last.calls),
      delta(failures, last.failures),
      delta(rejected, last.rejected),
    ]);
    if (this.samples.length > HISTORY_SAMPLES) this.samples.shift();
  }

  /** Settled calls per second over the last 5 samples; `null` before the first. */
  callsPerSecond(): number | null {
    return this.perSecond(1);
  }

  /** Rejected calls per second over the last 5 samples; `null` before the first. */
  rejectedPerSecond(): number | null {
    return this.perSecond(3);
  }

  /**
   * Failed calls in percent of settled calls over the last 5 samples that had calls (so an open breaker,
   * which settles none, still shows the share that tripped it); `null` without calls in the history.
   */
  failureShare(): number | null {
    let calls = 0;
    let failures = 0;
    let seen = 0;
    for (let i = this.samples.length - 1; i >= 0 && seen < SHARE_SAMPLES; i--) {
      const s = this.samples[i] as Sample;
      if (s[1] === 0) continue;
      seen++;
      calls += s[1];
      failures += s[2];
    }
    return calls === 0 ? null : (failures / calls) * 100;
  }

  /** The failure share (0–100) of each sample, oldest first; `null` for a sample without calls. */
  history(): (number | null)[] {
    return this.samples.map(share);
  }

  /** The failure share of the newest sample; `null` without one or without calls in it. */
  latest(): number | null {
    const s = this.samples[this.samples.length - 1];
    return s === undefined ? null : share(s);
  }

  private perSecond(column: 1 | 3): number | null {
    if (this.samples.length === 0) return null;
    let seconds = 0;
    let count = 0;
    for (const s of this.samples.slice(-RATE_SAMPLES)) {
      seconds += s[0];
      count += s[column];
    }
    return count / seconds;
  }
}

function share(s: Sample): number | null {
  return s[1] === 0 ? null : (s[2] / s[1]) * 100;
}
