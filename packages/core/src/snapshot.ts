import { show } from './options.js';
import type { WindowSnapshot } from './policies/rate-window.js';
import { type CircuitState, isCircuitState } from './state.js';

/** Lifetime counters of a breaker. */
export interface BreakerCounts {
  readonly success: number;
  readonly failure: number;
  readonly ignored: number;
  readonly rejected: number;
  readonly timeout: number;
  readonly stateChanges: number;
}

/**
 * What {@link CircuitBreaker.toJSON} returns and `initialState` accepts: the state and counts, in a
 * JSON-safe form that does not depend on the clock's origin (an open circuit keeps the time it has left).
 */
export interface BreakerSnapshot {
  readonly version: 1;
  readonly name: string;
  readonly state: CircuitState;
  /** Ms left in the open period, for `open`. */
  readonly retryAfterMs?: number;
  readonly consecutiveFailures: number;
  readonly window?: WindowSnapshot;
  readonly counts: BreakerCounts;
}

const COUNT_KEYS = ['success', 'failure', 'ignored', 'rejected', 'timeout', 'stateChanges'] as const;

function isCount(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

/** @internal checks an `initialState` value; throws a `TypeError` naming what is wrong. */
export function checkSnapshot(value: unknown): BreakerSnapshot {
  const fail = (what: string): never => {
    throw new TypeError(`initialState ${what} (expected a value from breaker.toJSON())`);
  };
  if (typeof value !== 'object' || value === null) return fail(`must be an object, got ${show(value)}`);
  const s = value as Record<string, unknown>;
  if (s.version !== 1) fail(`.version must be 1, got ${show(s.version)}`);
  if (!isCircuitState(s.state)) fail(`.state is not a circuit state: ${show(s.state)}`);
  if (s.state === 'open' && !(typeof s.retryAfterMs === 'number' && s.retryAfterMs >= 0)) {
    fail(`.retryAfterMs must be a number >= 0 for an open circuit, got ${show(s.retryAfterMs)}`);
  }
  if (!isCount(s.consecutiveFailures))
    fail(`.consecutiveFailures must be an integer >= 0, got ${show(s.consecutiveFailures)}`);
  const counts = s.counts as Record<string, unknown> | undefined;
  if (typeof counts !== 'object' || counts === null) fail(`.counts must be an object, got ${show(counts)}`);
  for (const key of COUNT_KEYS) {
    if (!isCount(counts?.[key])) fail(`.counts.${key} must be an integer >= 0, got ${show(counts?.[key])}`);
  }
  if (s.window !== undefined && (typeof s.window !== 'object' || s.window === null)) {
    fail(`.window must be an object, got ${show(s.window)}`);
  }
  return value as BreakerSnapshot;
}
