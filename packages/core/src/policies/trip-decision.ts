import type { TransitionReason } from '../state.js';

/** @internal the numbers behind a decision to open (telemetry puts them on the transition span). */
export interface DecisionNumbers {
  readonly consecutiveFailures?: number;
  readonly failureRate?: number;
  readonly slowCallRate?: number;
  readonly threshold: number;
}

/** @internal what a trip rule answers when an outcome opens the circuit: why, and with which numbers. */
export interface TripDecision {
  readonly reason: TransitionReason;
  readonly numbers: DecisionNumbers;
}
