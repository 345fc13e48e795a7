/**
 * A reference model of the breaker's state machine, written from what packages/core/README.md documents
 * (it shares no code with the implementation): the states, the rules that trip, the half_open trials, the
 * stale-outcome rule, manual control, listeners that run inside a transition, and the toJSON snapshot.
 * The model check drives it and a real breaker with the same operations and compares them after each one.
 */
import type { CircuitState } from '@tripswitch/core';

/** The breaker options the model understands (a count window only: time buckets are the window's own tests). */
export interface ModelConfig {
  readonly resetTimeout: number;
  readonly halfOpenMaxCalls: number;
  /** How long half_open waits for its trials' verdict; `undefined`: `resetTimeout`. */
  readonly halfOpenTimeout: number | undefined;
  /** `undefined` only with a window (the consecutive rule then does not apply). */
  readonly failureThreshold: number | undefined;
  readonly window: ModelWindowConfig | undefined;
}

export interface ModelWindowConfig {
  readonly size: number;
  readonly minimumCalls: number | undefined;
  readonly failureRateThreshold: number;
  readonly slowCallDuration: number | undefined;
  readonly slowCallRateThreshold: number | undefined;
}

export type ModelOutcome = 'success' | 'failure' | 'ignore';

/** An admitted call: the period (transitions so far) it belongs to, and what it was admitted as. */
export interface ModelCall {
  readonly period: number;
  readonly trial: boolean;
  readonly startedAt: number;
  readonly state: CircuitState;
}

/** A rejection as `admit()` reports it. */
export interface ModelRejection {
  readonly state: CircuitState;
  readonly kind: 'circuit_open' | 'half_open_full';
  readonly retryAfterMs: number;
}

/** What the model emits, in the order the breaker must emit it. */
export type ModelEvent =
  | {
      readonly type: 'stateChange';
      readonly from: CircuitState;
      readonly to: CircuitState;
      readonly reason: string;
    }
  | { readonly type: 'success' | 'failure' | 'ignored' | 'reject' };

/** The numbers getMetrics() must show, minus the name. */
export interface ModelMetrics {
  state: CircuitState;
  successCount: number;
  failureCount: number;
  ignoredCount: number;
  rejectedCount: number;
  timeoutCount: number;
  stateChanges: number;
  consecutiveFailures: number;
  failureRate: number | null;
  slowCallRate: number | null;
  bufferedCalls: number;
  inFlight: number;
  retryAfterMs: number;
}

/** What the model keeps across a toJSON → initialState restart. */
export interface ModelSnapshot {
  readonly state: CircuitState;
  readonly retryAfterMs: number | undefined;
  readonly consecutiveFailures: number;
  /** Outcome codes of the window, oldest first: 1 failed, 2 slow. */
  readonly window: readonly number[] | undefined;
  readonly counts: readonly [number, number, number, number, number, number];
}

interface Entry {
  readonly failed: boolean;
  readonly slow: boolean;
}

/** Options of the model beyond the breaker config. */
export interface ModelHooks {
  readonly now: () => number;
  /** Called for every event, synchronously, where the breaker runs its listeners. */
  readonly emit: (event: ModelEvent) => void;
  /**
   * Whether a stateChange listener that leaves the circuit open during the lazy open → half_open step of an
   * admission gets the call rejected (issue 13 item 1). While that fix is pending the check never makes
   * such a listener, so the value only matters once it has landed.
   */
  readonly rejectsAfterListenerReopen: boolean;
}

// The documented rules this model follows beyond the basics (issue 13): a half_open circuit whose trial
// slots are all taken re-opens (reason trial_timeout) at the first call halfOpenTimeout after it
// half-opened, if trials are still out; when the trials have all succeeded, the slow-call rule judges
// them (re-open with slow_call_rate if the slow ones reach its threshold); while disabled, outcomes
// keep feeding the window and the consecutive count, and open nothing.

export class BreakerModel {
  // Kept flat (a model, not the implementation): `until` means something only while open, `trials`,
  // `succeeded`, `slowTrials` and `halfOpenedAt` only while half_open.
  private kind: CircuitState = 'closed';
  private until = 0;
  private trials = 0;
  private succeeded = 0;
  private slowTrials = 0;
  private halfOpenedAt = 0;
  /** Bumped on every transition; a call from an earlier period is counted but decides nothing. */
  private period = 0;
  private counts = { success: 0, failure: 0, ignored: 0, rejected: 0, stateChanges: 0 };
  private consecutive = 0;
  private recent: Entry[] = [];
  private running = 0;

  constructor(
    readonly config: ModelConfig,
    private readonly hooks: ModelHooks,
    from?: ModelSnapshot,
  ) {
    if (from !== undefined) this.restore(from);
  }

  private get minimumCalls(): number {
    const w = this.config.window;
    if (w === undefined) return Number.POSITIVE_INFINITY;
    return w.minimumCalls ?? Math.min(10, w.size);
  }

  private now(): number {
    return this.hooks.now();
  }

  /** The state without the lazy step (what getMetrics() shows: a due open circuit reads as half_open). */
  peek(): CircuitState {
    return this.kind === 'open' && this.now() >= this.until ? 'half_open' : this.kind;
  }

  /** The state after the lazy open → half_open step (what `state`, toJSON and manual control see). */
  current(): CircuitState {
    if (this.kind === 'open' && this.now() >= this.until) this.go('half_open', 'reset_timeout');
    return this.kind;
  }

  admit(): ModelCall | ModelRejection {
    let trial = false;
    if (this.kind === 'open') {
      const now = this.now();
      if (now < this.until) return this.reject('open', 'circuit_open', this.until - now);
      this.go('half_open', 'reset_timeout');
      // A listener may have re-opened it (the kind is re-read: go() ran the listeners).
      if ((this.kind as CircuitState) === 'open' && this.hooks.rejectsAfterListenerReopen) {
        return this.reject('open', 'circuit_open', Math.max(0, this.until - this.now()));
      }
    }
    if (this.kind === 'half_open') {
      if (this.trials + this.succeeded >= this.config.halfOpenMaxCalls) {
        const timeout = this.config.halfOpenTimeout ?? this.config.resetTimeout;
        if (this.trials > 0 && this.now() - this.halfOpenedAt >= timeout) {
          this.open(this.config.resetTimeout, 'trial_timeout');
          return this.reject('open', 'circuit_open', this.config.resetTimeout);
        }
        return this.reject('half_open', 'half_open_full', 0);
      }
      this.trials++;
      trial = true;
    } else if (this.kind === 'forced_open') {
      return this.reject('forced_open', 'circuit_open', Number.POSITIVE_INFINITY);
    }
    this.running++;
    return { period: this.period, trial, startedAt: this.now(), state: this.kind };
  }

  settle(call: ModelCall, outcome: ModelOutcome): void {
    this.running--;
    const failed = outcome === 'failure';
    if (outcome === 'success') this.counts.success++;
    else if (failed) this.counts.failure++;
    else this.counts.ignored++;
    this.hooks.emit({ type: outcome === 'ignore' ? 'ignored' : outcome });
    if (call.period !== this.period) return;
    if (this.kind === 'closed' || this.kind === 'disabled') {
      if (outcome !== 'ignore') this.record(failed, this.isSlow(call), this.kind === 'closed');
    } else if (this.kind === 'half_open') {
      this.trials--;
      if (failed) this.open(this.config.resetTimeout, 'trial_failed');
      else if (outcome === 'success') {
        if (this.isSlow(call)) this.slowTrials++;
        if (++this.succeeded >= this.config.halfOpenMaxCalls) this.trialVerdict();
      }
    }
  }

  /** Every trial succeeded: closed, unless the slow-call rule says the trials were too slow. */
  private trialVerdict(): void {
    const w = this.config.window;
    const n = this.config.halfOpenMaxCalls;
    const slowRule = w?.slowCallDuration !== undefined;
    if (slowRule && this.slowTrials > 0 && this.slowTrials * 100 >= (w?.slowCallRateThreshold ?? 100) * n) {
      this.open(this.config.resetTimeout, 'slow_call_rate');
    } else {
      this.go('closed', 'trial_succeeded');
    }
  }

  /** Whether the call took at least the slow-call duration. */
  isSlow(call: ModelCall): boolean {
    const limit = this.config.window?.slowCallDuration;
    return limit !== undefined && this.now() - call.startedAt >= limit;
  }

  forceOpen(): void {
    if (this.current() !== 'forced_open') this.go('forced_open', 'manual');
  }

  disable(): void {
    if (this.current() !== 'disabled') this.go('disabled', 'manual');
  }

  close(): void {
    if (this.current() !== 'closed') this.go('closed', 'manual');
    this.clearDeciding();
  }

  reset(): void {
    this.close();
    this.counts = { success: 0, failure: 0, ignored: 0, rejected: 0, stateChanges: 0 };
  }

  openFor(ms: number): void {
    const kind = this.current();
    if (kind === 'forced_open' || kind === 'disabled') return;
    if (kind === 'open') this.until = Math.max(this.until, this.now() + ms);
    else this.open(ms, 'manual');
  }

  metrics(): ModelMetrics {
    const kind = this.peek();
    const n = this.recent.length;
    const enough = this.config.window !== undefined && n >= this.minimumCalls;
    let failures = 0;
    let slow = 0;
    for (const e of this.recent) {
      if (e.failed) failures++;
      if (e.slow) slow++;
    }
    return {
      state: kind,
      successCount: this.counts.success,
      failureCount: this.counts.failure,
      ignoredCount: this.counts.ignored,
      rejectedCount: this.counts.rejected,
      timeoutCount: 0,
      stateChanges: this.counts.stateChanges,
      consecutiveFailures: this.consecutive,
      failureRate: enough ? (failures / n) * 100 : null,
      slowCallRate: enough && this.config.window?.slowCallDuration !== undefined ? (slow / n) * 100 : null,
      bufferedCalls: n,
      inFlight: this.running,
      retryAfterMs:
        kind === 'open' ? this.until - this.now() : kind === 'forced_open' ? Number.POSITIVE_INFINITY : 0,
    };
  }

  /** What toJSON() must return (it performs the lazy step first). */
  snapshot(): ModelSnapshot {
    const kind = this.current();
    const c = this.counts;
    return {
      state: kind,
      retryAfterMs: kind === 'open' ? Math.max(0, this.until - this.now()) : undefined,
      consecutiveFailures: this.consecutive,
      window:
        this.config.window === undefined
          ? undefined
          : this.recent.map((e) => (e.failed ? 1 : 0) | (e.slow ? 2 : 0)),
      counts: [c.success, c.failure, c.ignored, c.rejected, 0, c.stateChanges],
    };
  }

  private restore(from: ModelSnapshot): void {
    // A half_open breaker restarts with no trials: those in flight did not survive the restart.
    this.kind = from.state;
    if (from.state === 'open') this.until = this.now() + (from.retryAfterMs ?? this.config.resetTimeout);
    if (from.state === 'half_open') this.halfOpenedAt = this.now();
    this.consecutive = from.consecutiveFailures;
    const size = this.config.window?.size ?? 0;
    this.recent = (from.window ?? [])
      .slice(-size)
      .map((code) => ({ failed: (code & 1) !== 0, slow: (code & 2) !== 0 }));
    const [success, failure, ignored, rejected, , stateChanges] = from.counts;
    this.counts = { success, failure, ignored, rejected, stateChanges };
  }

  private reject(state: CircuitState, kind: ModelRejection['kind'], retryAfterMs: number): ModelRejection {
    this.counts.rejected++;
    this.hooks.emit({ type: 'reject' });
    return { state, kind, retryAfterMs };
  }

  private record(failed: boolean, slow: boolean, decides: boolean): void {
    this.consecutive = failed ? this.consecutive + 1 : 0;
    const threshold = this.config.failureThreshold;
    const w = this.config.window;
    if (w !== undefined) {
      this.recent.push({ failed, slow });
      if (this.recent.length > w.size) this.recent.shift();
    }
    if (!decides) return;
    if (threshold !== undefined && this.consecutive >= threshold) {
      this.open(this.config.resetTimeout, 'consecutive_failures');
      return;
    }
    const n = this.recent.length;
    if (w === undefined || n < this.minimumCalls) return;
    const failures = this.recent.filter((e) => e.failed).length;
    const slowCount = this.recent.filter((e) => e.slow).length;
    if (failures > 0 && failures * 100 >= w.failureRateThreshold * n) {
      this.open(this.config.resetTimeout, 'failure_rate');
    } else if (
      w.slowCallDuration !== undefined &&
      slowCount > 0 &&
      slowCount * 100 >= (w.slowCallRateThreshold ?? 100) * n
    ) {
      this.open(this.config.resetTimeout, 'slow_call_rate');
    }
  }

  private open(ms: number, reason: string): void {
    this.until = this.now() + ms;
    this.go('open', reason);
  }

  private clearDeciding(): void {
    this.consecutive = 0;
    this.recent = [];
  }

  private go(to: CircuitState, reason: string): void {
    const from = this.kind;
    this.kind = to;
    this.trials = 0;
    this.succeeded = 0;
    this.slowTrials = 0;
    if (to === 'half_open') this.halfOpenedAt = this.now();
    this.period++;
    this.counts.stateChanges++;
    if (to === 'closed') this.clearDeciding();
    this.hooks.emit({ type: 'stateChange', from, to, reason });
  }
}
