import type { RateWindow } from './rate-window.js';
import type { TripDecision } from './trip-decision.js';

/**
 * @internal The rate rules over a window: the failure rate, then the slow-call rate, each against its
 * threshold (percent) once the window holds `minimumCalls`. The same slow-call rule judges a half_open
 * phase's trials.
 */
export class RateRule {
  constructor(
    private readonly failureRateThreshold: number,
    private readonly slowCallRateThreshold: number,
    /** Without a slow-call duration there is no slow-call rule. */
    private readonly judgesSlowCalls: boolean,
    private readonly minimumCalls: number,
  ) {}

  /** Whether the window's numbers open the circuit, and with which. */
  decide(w: RateWindow): TripDecision | undefined {
    if (w.calls < this.minimumCalls) return undefined;
    if (w.failures > 0 && w.failures * 100 >= this.failureRateThreshold * w.calls) {
      const numbers = { failureRate: w.failures / w.calls, threshold: this.failureRateThreshold / 100 };
      return { reason: 'failure_rate', numbers };
    }
    return this.slowCalls(w.slow, w.calls);
  }

  /** Whether `slow` of `calls` is too slow (the slow-call rule alone: half_open trials). */
  slowCalls(slow: number, calls: number): TripDecision | undefined {
    if (!this.judgesSlowCalls || slow === 0 || slow * 100 < this.slowCallRateThreshold * calls)
      return undefined;
    return {
      reason: 'slow_call_rate',
      numbers: { slowCallRate: slow / calls, threshold: this.slowCallRateThreshold / 100 },
    };
  }
}
