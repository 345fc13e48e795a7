import type { ResolvedOptions } from '../options.js';
import { createWindow } from './create-window.js';
import type { RateWindow } from './rate-window.js';
import type { TripDecision } from './trip-decision.js';

type RateOptions = Pick<
  ResolvedOptions,
  'window' | 'failureRateThreshold' | 'slowCallRateThreshold' | 'slowCallDuration' | 'minimumCalls'
>;

/**
 * @internal The rate rules over their window: the failure rate, then the slow-call rate, each against its
 * threshold (percent) once the window holds `minimumCalls`. The same slow-call rule judges a half_open
 * phase's trials. A breaker without a window has no rate rule (only consecutive failures count).
 */
export class RateRule {
  // The thresholds are read from the resolved options, not copied: a breaker holds one rule each.
  private constructor(
    private readonly o: RateOptions,
    /** The calls the rates are computed over. */
    readonly window: RateWindow,
  ) {}

  /** The rule the resolved options ask for: none without a `window`. */
  static of(o: RateOptions): RateRule | undefined {
    const window = createWindow(o.window);
    return window === undefined ? undefined : new RateRule(o, window);
  }

  /** Whether a call that took `durationMs` counts as slow (never without a `slowCallDuration`). */
  isSlow(durationMs: number): boolean {
    const slowCallDuration = this.o.slowCallDuration;
    return slowCallDuration !== undefined && durationMs >= slowCallDuration;
  }

  /**
   * Feeds one counted outcome settled at `now` to the window. Returns the decision to open when the
   * window's numbers say so and `decides` (a disabled circuit keeps its numbers current, opens nothing).
   */
  record(failed: boolean, durationMs: number, now: number, decides: boolean): TripDecision | undefined {
    this.window.record(failed, this.isSlow(durationMs), now);
    return decides ? this.decide() : undefined;
  }

  /** Whether the window's numbers open the circuit, and with which. */
  decide(): TripDecision | undefined {
    const w = this.window;
    if (w.calls < this.o.minimumCalls) return undefined;
    const failureRateThreshold = this.o.failureRateThreshold;
    if (w.failures > 0 && w.failures * 100 >= failureRateThreshold * w.calls) {
      const numbers = { failureRate: w.failures / w.calls, threshold: failureRateThreshold / 100 };
      return { reason: 'failure_rate', numbers };
    }
    return this.slowCalls(w.slow, w.calls);
  }

  /** Whether `slow` of `calls` is too slow (the slow-call rule alone: half_open trials). */
  slowCalls(slow: number, calls: number): TripDecision | undefined {
    const threshold = this.o.slowCallRateThreshold;
    if (this.o.slowCallDuration === undefined || slow === 0 || slow * 100 < threshold * calls)
      return undefined;
    return { reason: 'slow_call_rate', numbers: { slowCallRate: slow / calls, threshold: threshold / 100 } };
  }
}
