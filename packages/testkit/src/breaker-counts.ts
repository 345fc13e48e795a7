import type { CircuitBreaker } from '@tripswitch/core';

/** A breaker's outcome counts, for compact assertions. */
export function counts(breaker: CircuitBreaker<unknown>): {
  success: number;
  failure: number;
  ignored: number;
  rejected: number;
  inFlight: number;
} {
  const m = breaker.getMetrics();
  return {
    success: m.successCount,
    failure: m.failureCount,
    ignored: m.ignoredCount,
    rejected: m.rejectedCount,
    inFlight: m.inFlight,
  };
}
