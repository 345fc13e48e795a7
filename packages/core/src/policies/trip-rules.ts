import type { ResolvedOptions } from '../options.js';
import { ConsecutiveFailures } from './consecutive-failures.js';
import { createWindow } from './create-window.js';
import { RateRule } from './rate-rule.js';
import type { RateWindow } from './rate-window.js';
import type { TripDecision } from './trip-decision.js';

/**
 * @internal A breaker's trip rules and the window they read: consecutive failures first, then the
 * failure rate and the slow-call rate over the window. Each outcome of a closed (or disabled) circuit is
 * fed here; the answer says whether it opens the circuit, and with which numbers.
 */
export class TripRules {
  readonly consecutive: ConsecutiveFailures;
  /** The rate window, when the options ask for one (else only consecutive failures count). */
  readonly window: RateWindow | undefined;
  private readonly rates: RateRule;
  private readonly slowCallDuration: number | undefined;

  constructor(o: ResolvedOptions) {
    this.consecutive = new ConsecutiveFailures(o.failureThreshold);
    this.window = createWindow(o.window);
    this.slowCallDuration = o.slowCallDuration;
    this.rates = new RateRule(
      o.failureRateThreshold,
      o.slowCallRateThreshold,
      o.slowCallDuration !== undefined,
      o.minimumCalls,
    );
  }

  /** Whether a call that took `durationMs` counts as slow (never without a `slowCallDuration`). */
  isSlow(durationMs: number): boolean {
    return this.slowCallDuration !== undefined && durationMs >= this.slowCallDuration;
  }

  /**
   * Feeds one counted outcome settled at `now`. Returns the decision to open when a rule says so and
   * `decides` (a disabled circuit keeps its numbers current but opens nothing).
   */
  record(failed: boolean, durationMs: number, now: number, decides: boolean): TripDecision | undefined {
    let decision: TripDecision | undefined;
    if (!failed) this.consecutive.success();
    else decision = this.consecutive.failure();
    const w = this.window;
    if (w !== undefined) {
      w.record(failed, this.isSlow(durationMs), now);
      if (decides) decision ??= this.rates.decide(w);
    }
    return decides ? decision : undefined;
  }

  /** The verdict on a half_open phase whose `trials` all succeeded: open when too many were slow. */
  trialVerdict(slowTrials: number, trials: number): TripDecision | undefined {
    return this.rates.slowCalls(slowTrials, trials);
  }

  /** Clears what decides (the consecutive count, the window), as closing the circuit does. */
  reset(): void {
    this.consecutive.reset();
    this.window?.reset();
  }
}
