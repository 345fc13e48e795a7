/**
 * The states a breaker can be in, as string constants (the same strings appear in telemetry).
 *
 * - `closed`: calls flow; outcomes are counted.
 * - `open`: calls are rejected until the reset period ends.
 * - `half_open`: a limited number of trial calls decide whether to close or re-open.
 * - `forced_open`: rejected until {@link CircuitBreaker.close} is called.
 * - `disabled`: everything is admitted; outcomes are still recorded.
 */
export const CircuitState = {
  Closed: 'closed',
  Open: 'open',
  HalfOpen: 'half_open',
  ForcedOpen: 'forced_open',
  Disabled: 'disabled',
} as const;

/** One of the {@link CircuitState} values. */
export type CircuitState = (typeof CircuitState)[keyof typeof CircuitState];

/**
 * Why a breaker changed state. The core uses the named values; adapters may add their own (the Axios
 * adapter uses `retry_after`).
 */
export type TransitionReason =
  | 'consecutive_failures'
  | 'failure_rate'
  | 'slow_call_rate'
  | 'reset_timeout'
  | 'trial_succeeded'
  | 'trial_failed'
  | 'trial_timeout'
  | 'manual'
  | (string & {});

/** @internal the state machine's state; each variant carries only what is meaningful in it. */
export type InternalState =
  | { readonly kind: 'closed' }
  | { readonly kind: 'open'; readonly openedAt: number; readonly halfOpenAt: number }
  | {
      readonly kind: 'half_open';
      /** When trials still in flight have taken too long (`halfOpenTimeout` after the circuit half-opened). */
      readonly trialDeadline: number;
      trialsInFlight: number;
      trialSuccesses: number;
      /** Successful trials that took `slowCallDuration` or more: the slow-call rule judges them too. */
      slowTrials: number;
    }
  | { readonly kind: 'forced_open' }
  | { readonly kind: 'disabled' };

/** @internal */
export const CLOSED: InternalState = Object.freeze({ kind: 'closed' });
/** @internal */
export const FORCED_OPEN: InternalState = Object.freeze({ kind: 'forced_open' });
/** @internal */
export const DISABLED: InternalState = Object.freeze({ kind: 'disabled' });

const STATES: ReadonlySet<string> = new Set(Object.values(CircuitState));

/** @internal */
export function isCircuitState(value: unknown): value is CircuitState {
  return typeof value === 'string' && STATES.has(value);
}

/** @internal ms left in an open period: 0 once it is over. */
export function msLeftOpen(s: { readonly halfOpenAt: number }, now: number): number {
  return Math.max(0, s.halfOpenAt - now);
}

/** @internal whether an open circuit's period is over (a half_open step is due on the next call). */
export function halfOpenDue(s: { readonly halfOpenAt: number }, now: number): boolean {
  return now >= s.halfOpenAt;
}
