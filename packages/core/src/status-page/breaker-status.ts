import type { CircuitBreaker } from '../circuit-breaker.js';
import type { CircuitState, TransitionReason } from '../state.js';
import type { BreakerSampler } from './breaker-sampler.js';

/** One state change, as the status page's feed shows it. */
export interface TransitionRecord {
  readonly name: string;
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
  /** When it happened, in Unix epoch ms. */
  readonly at: number;
}

/** One breaker on the status page (and in `snapshot.json`). */
export interface BreakerStatus {
  readonly name: string;
  readonly state: CircuitState;
  /**
   * Ms in the current state; `null` when it never changed state, or when it is a due half_open (the
   * step from open happens on the next call, so its time is not known).
   */
  readonly stateForMs: number | null;
  /** Whole ms (rounded up) until trial calls are admitted while open; `null` while forced_open; else 0. */
  readonly retryAfterMs: number | null;
  /** Calls settled per second over the last 5 s; `null` until sampled twice (a page is open). */
  readonly callsPerSecond: number | null;
  /** Calls rejected per second over the last 5 s; `null` until sampled twice. */
  readonly rejectedPerSecond: number | null;
  /**
   * Failures in percent: the breaker's own window rate when it has one (the number its rule judges), else
   * the share of failed calls over the last 5 s that had calls; `null` without either.
   */
  readonly failureRate: number | null;
  readonly inFlight: number;
  readonly successCount: number;
  readonly failureCount: number;
  readonly rejectedCount: number;
  /** The last state change, `null` when there was none. */
  readonly lastTransition: TransitionRecord | null;
  /**
   * The share of failed calls (0–100) per second, oldest first, for the sparkline: up to the last
   * 3 minutes while a page is open (`null` for a second without calls). Only in `init` and `snapshot.json`.
   */
  readonly history?: readonly (number | null)[];
  /** The newest entry of `history`, in the once-a-second `tick`. */
  readonly sample?: number | null;
}

/** What the page shows: every breaker (worst first) and the recent transitions (newest first). */
export interface StatusSnapshot {
  /** Unix epoch ms when it was taken. */
  readonly at: number;
  /** Whether rates are being sampled: true while at least one page is open. */
  readonly sampling: boolean;
  readonly breakers: readonly BreakerStatus[];
  /** Breakers left out past the first {@link MAX_TILES} (the least bad ones). */
  readonly omitted: number;
  readonly transitions: readonly TransitionRecord[];
}

/** The most breakers one snapshot lists: a page of more tiles would help nobody in an incident. */
export const MAX_TILES = 500;

const RANK: Readonly<Record<string, number>> = {
  open: 0,
  forced_open: 1,
  half_open: 2,
  disabled: 3,
  closed: 4,
};

/** Orders statuses worst first: by state, then failure rate, then rejections, then name. */
export function compareStatus(a: BreakerStatus, b: BreakerStatus): number {
  return (
    (RANK[a.state] ?? 5) - (RANK[b.state] ?? 5) ||
    (b.failureRate ?? -1) - (a.failureRate ?? -1) ||
    (b.rejectedPerSecond ?? 0) - (a.rejectedPerSecond ?? 0) ||
    (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)
  );
}

/** The last transition a breaker remembers, dated by the wall clock (its own clock only gives an age). */
export function lastTransitionOf(breaker: CircuitBreaker<unknown>, now: number): TransitionRecord | null {
  // Optional: a registry from another copy of the core may hold breakers without it.
  const t = breaker._lastTransition?.();
  if (t === undefined) return null;
  return { name: breaker.name, from: t.from, to: t.to, reason: t.reason, at: now - t.ageMs };
}

/**
 * The status of one breaker now; rates and history come from its sampler while a page is open.
 * `detail` adds the whole history, else only the newest sample.
 */
export function describeBreaker(
  breaker: CircuitBreaker<unknown>,
  sampler: BreakerSampler | undefined,
  now: number,
  detail: boolean,
): BreakerStatus {
  const m = breaker.getMetrics();
  const last = lastTransitionOf(breaker, now);
  const status: BreakerStatus = {
    name: breaker.name,
    state: m.state,
    stateForMs: last === null || last.to !== m.state ? null : now - last.at,
    // Rounded up, as in the health JSON: a clock's fractions mean nothing on a page or in a log.
    retryAfterMs: Number.isFinite(m.retryAfterMs) ? Math.ceil(m.retryAfterMs) : null,
    callsPerSecond: sampler?.callsPerSecond() ?? null,
    rejectedPerSecond: sampler?.rejectedPerSecond() ?? null,
    failureRate: m.failureRate ?? sampler?.failureShare() ?? null,
    inFlight: m.inFlight,
    successCount: m.successCount,
    failureCount: m.failureCount,
    rejectedCount: m.rejectedCount,
    lastTransition: last,
  };
  if (sampler === undefined) return detail ? { ...status, history: [] } : status;
  return detail ? { ...status, history: sampler.history() } : { ...status, sample: sampler.latest() };
}
