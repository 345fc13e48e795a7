import type { TripDecision } from './trip-decision.js';

/**
 * @internal The consecutive-failures rule: `threshold` failures in a row open the circuit, a success
 * starts the count again. The count is kept even without a threshold, because metrics report it.
 */
export class ConsecutiveFailures {
  count = 0;

  constructor(readonly threshold: number | undefined) {}

  success(): void {
    this.count = 0;
  }

  /** Records a failure; the decision when the rule says open. */
  failure(): TripDecision | undefined {
    this.count++;
    const threshold = this.threshold;
    if (threshold === undefined || this.count < threshold) return undefined;
    return { reason: 'consecutive_failures', numbers: { consecutiveFailures: this.count, threshold } };
  }

  reset(): void {
    this.count = 0;
  }
}
