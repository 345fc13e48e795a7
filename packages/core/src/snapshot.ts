import { show } from './check.js';
import type { RateWindow, WindowSnapshot } from './policies/rate-window.js';
import {
  type CircuitState,
  CLOSED,
  DISABLED,
  FORCED_OPEN,
  type InternalState,
  isCircuitState,
  msLeftOpen,
} from './state.js';

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
    throw new TypeError(`initialState${what} (expected a value from breaker.toJSON())`);
  };
  if (typeof value !== 'object' || value === null) return fail(` must be an object, got ${show(value)}`);
  const s = value as Record<string, unknown>;
  if (s.version !== 1) fail(`.version must be 1, got ${show(s.version)}`);
  if (!isCircuitState(s.state)) fail(`.state is not a circuit state: ${show(s.state)}`);
  // Finite: an infinite wait would be an open circuit that never half-opens (that is forced_open).
  if (s.state === 'open' && !(Number.isFinite(s.retryAfterMs) && (s.retryAfterMs as number) >= 0)) {
    fail(`.retryAfterMs must be a finite number >= 0 for an open circuit, got ${show(s.retryAfterMs)}`);
  }
  if (!isCount(s.consecutiveFailures))
    fail(`.consecutiveFailures must be an integer >= 0, got ${show(s.consecutiveFailures)}`);
  const counts = s.counts as Record<string, unknown> | undefined;
  if (typeof counts !== 'object' || counts === null) fail(`.counts must be an object, got ${show(counts)}`);
  for (const key of COUNT_KEYS) {
    if (!isCount(counts?.[key])) fail(`.counts.${key} must be an integer >= 0, got ${show(counts?.[key])}`);
  }
  if (s.window !== undefined) checkWindowSnapshot(s.window, fail);
  return value as BreakerSnapshot;
}

const isOutcomeCode = (code: unknown): boolean => isCount(code) && code <= 3;

/** [ageInBuckets, calls, failures, slow]: integers, with failures and slow within calls. */
function isBucket(entry: unknown): boolean {
  if (!Array.isArray(entry) || entry.length !== 4 || !entry.every(isCount)) return false;
  const [, calls, failures, slow] = entry as number[];
  return (failures as number) <= (calls as number) && (slow as number) <= (calls as number);
}

/**
 * The windows add these numbers to their running totals, so a bad entry corrupts the rates: a fractional
 * bucket age lands in no slot, and its calls then never expire while traffic keeps coming; failures above
 * calls give rates above 100%. Refuse them here, naming the field.
 */
function checkWindowSnapshot(value: unknown, fail: (what: string) => never): void {
  if (typeof value !== 'object' || value === null) fail(`.window must be an object, got ${show(value)}`);
  const w = value as Record<string, unknown>;
  if (w.type === 'count') {
    if (!Array.isArray(w.outcomes) || !w.outcomes.every(isOutcomeCode)) {
      fail(`.window.outcomes must be an array of outcome codes 0 to 3, got ${show(w.outcomes)}`);
    }
  } else if (w.type === 'time') {
    if (!Array.isArray(w.buckets) || !w.buckets.every(isBucket)) {
      fail(
        `.window.buckets must be an array of [age, calls, failures, slow] integers, got ${show(w.buckets)}`,
      );
    }
  } else {
    fail(`.window.type must be 'count' or 'time', got ${show(w.type)}`);
  }
}

/** @internal the snapshot `toJSON()` returns for a breaker in state `s` at `now`. */
export function snapshotOf(
  name: string,
  s: InternalState,
  now: number,
  consecutiveFailures: number,
  window: RateWindow | undefined,
  counts: BreakerCounts,
): BreakerSnapshot {
  return {
    version: 1,
    name,
    state: s.kind,
    ...(s.kind === 'open' ? { retryAfterMs: msLeftOpen(s, now) } : {}),
    consecutiveFailures,
    ...(window ? { window: window.snapshot(now) } : {}),
    counts,
  };
}

/**
 * @internal the state a breaker restored from `snapshot` starts in at `now`: an open circuit keeps the time
 * it had left; trials in flight did not survive the restart, so half_open starts its trial phase afresh.
 */
export function restoredState(
  snapshot: BreakerSnapshot,
  now: number,
  resetTimeout: number,
  trialPhase: () => InternalState,
): InternalState {
  switch (snapshot.state) {
    case 'open':
      return { kind: 'open', openedAt: now, halfOpenAt: now + (snapshot.retryAfterMs ?? resetTimeout) };
    case 'half_open':
      return trialPhase();
    case 'forced_open':
      return FORCED_OPEN;
    case 'disabled':
      return DISABLED;
    default:
      return CLOSED;
  }
}
