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

  /** Records a failure; true when the rule says open. */
  failure(): boolean {
    this.count++;
    return this.threshold !== undefined && this.count >= this.threshold;
  }

  reset(): void {
    this.count = 0;
  }
}
