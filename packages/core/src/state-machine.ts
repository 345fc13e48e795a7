import type { RejectionKind } from './errors.js';
import type { ResolvedOptions } from './options.js';
import type { BreakerPermit } from './permit.js';
import type { DecisionNumbers } from './policies/trip-decision.js';
import {
  type CircuitState,
  CLOSED,
  halfOpenDue,
  type InternalState,
  msLeftOpen,
  type TransitionReason,
} from './state.js';
import type { TransitionOptions } from './transition-options.js';

/**
 * Asked when a breaker's open period is over, before it admits trial calls: `0` lets trial calls start
 * here; a positive number keeps the circuit open (calls are rejected with kind `trial_elsewhere` and
 * that many ms as `retryAfterMs`) and the gate is asked again on the next call. Fleet coordination uses
 * it so that one replica probes for all; it must be cheap and synchronous (it runs on rejected calls).
 */
export type TrialGate = () => number;

/**
 * @internal What {@link StateMachine.admit} decided: {@link ADMITTED}, {@link TRIAL}, or a rejection, given
 * as its `retryAfterMs` (a number >= 0, `Infinity` while forced_open; the machine's
 * {@link StateMachine.rejection} says in which state and of which kind). A number, so that a breaker pays
 * one small field for it, not an object or three fields.
 */
export type Admission = number;
/** @internal admitted as a plain call (closed or disabled). */
export const ADMITTED = -1;
/** @internal admitted as a half_open trial. */
export const TRIAL = -2;

/** @internal The state and kind of each rejection {@link StateMachine.admit} can answer, by index. */
export const REJECTIONS: ReadonlyArray<{ readonly state: CircuitState; readonly kind: RejectionKind }> =
  Object.freeze([
    { state: 'open', kind: 'circuit_open' },
    { state: 'open', kind: 'trial_elsewhere' },
    { state: 'half_open', kind: 'half_open_full' },
    { state: 'forced_open', kind: 'circuit_open' },
  ]);
// Indices into REJECTIONS, in its order.
const [OPEN, TRIAL_ELSEWHERE, HALF_OPEN_FULL, FORCED] = [0, 1, 2, 3] as const;

/** @internal a state change as the machine reports it to its breaker. */
export interface StateChange {
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
  /** The permit whose outcome made the change, if one did. */
  readonly cause: BreakerPermit | undefined;
  /** The numbers a trip rule decided with, for a trip. */
  readonly numbers: DecisionNumbers | undefined;
  /** A change another replica (or an adapter) asked for: its origin and link, for telemetry. */
  readonly remote: TransitionOptions | undefined;
}

/**
 * @internal What the machine needs from the breaker that owns it (a narrow view: the breaker imports the
 * machine, never the other way round). The breaker passes itself, so a breaker pays no closure for its
 * machine.
 */
export interface MachineHost {
  /** The resolved options the machine reads. */
  readonly _options: MachineOptions;
  /** The breaker's clock reading (guarded: it never throws). */
  _now(): number;
  /** Reports a user hook's error (here: a throwing trial gate). */
  _hookError(error: unknown, hook: string): void;
  /** Told after every state change, once the machine is in the new state. */
  _stateChanged(change: StateChange): void;
}

/** How an open circuit whose reset period is over shows before its lazy step (no trials have started). */
const HALF_OPEN_DUE: InternalState = Object.freeze({
  kind: 'half_open',
  trialDeadline: Number.POSITIVE_INFINITY,
  trialsInFlight: 0,
  trialSuccesses: 0,
  slowTrials: 0,
});

type MachineOptions = Pick<ResolvedOptions, 'resetTimeout' | 'halfOpenMaxCalls' | 'halfOpenTimeout'>;

/**
 * @internal The admission state machine of one breaker: its state and generation, the admission decision,
 * the lazy open → half_open step, the half_open trial bookkeeping, and {@link transition}, the one function
 * every state change passes through. The trip rules, counts and telemetry stay with the breaker, which
 * hears of each change through {@link MachineHost._stateChanged}.
 */
export class StateMachine {
  s: InternalState = CLOSED;
  /** Bumped on every state change; a permit from an older generation is stale and decides nothing. */
  generation = 0;
  /** The permit whose settlement made the last state change, if one did (see `openFor`'s `cause`). */
  changedBy: BreakerPermit | undefined = undefined;
  /** The last state change and when it happened (breaker clock); none before the first. */
  last: { from: CircuitState; to: CircuitState; reason: TransitionReason; at: number } | undefined =
    undefined;
  trialGate: TrialGate | undefined = undefined;
  /** Which of {@link REJECTIONS} the last {@link admit} that rejected was; read at once by the caller. */
  rejection: number = OPEN;

  constructor(private readonly host: MachineHost) {}

  /**
   * Decides one admission: {@link ADMITTED}, {@link TRIAL} (a half_open slot is taken), or a rejection
   * (its `retryAfterMs`, see {@link Admission}). Performs a due open → half_open step first.
   */
  admit(): Admission {
    let s = this.s;
    if (s.kind === 'closed' || s.kind === 'disabled') return ADMITTED;
    if (s.kind === 'open') {
      const now = this.host._now();
      if (!halfOpenDue(s, now)) return this.rejected(OPEN, msLeftOpen(s, now));
      if (this.trialGate !== undefined) {
        const wait = this.trialWaitMs();
        if (wait > 0) return this.rejected(TRIAL_ELSEWHERE, wait);
      }
      this.halfOpen();
      s = this.s;
      // A stateChange listener may have moved the circuit on (openFor, forceOpen, close, disable): decide
      // on the state it left. Open again means rejected, without a second lazy step in this call.
      if (s.kind === 'open') return this.rejected(OPEN, msLeftOpen(s, now));
    }
    if (s.kind === 'half_open') {
      const o = this.host._options;
      if (s.trialsInFlight + s.trialSuccesses >= o.halfOpenMaxCalls) {
        if (s.trialsInFlight > 0 && this.host._now() >= s.trialDeadline) {
          // Trials that never settle must not hold the circuit half_open: they become stale.
          this.open(o.resetTimeout, 'trial_timeout', undefined, undefined);
          return this.rejected(OPEN, o.resetTimeout);
        }
        return this.rejected(HALF_OPEN_FULL, 0);
      }
      s.trialsInFlight++;
      return TRIAL;
    }
    if (s.kind === 'forced_open') return this.rejected(FORCED, Number.POSITIVE_INFINITY);
    return ADMITTED;
  }

  /** The current state, after a due open → half_open step. */
  current(): InternalState {
    const s = this.s;
    if (s.kind === 'open' && halfOpenDue(s, this.host._now()) && this.trialWaitMs() === 0) this.halfOpen();
    return this.s;
  }

  /** The state without performing a due transition (for metric callbacks and getMetrics()). */
  peek(): CircuitState {
    const s = this.s;
    // With a trial gate a due circuit stays open until the gate, asked on the next call, lets it go.
    return s.kind === 'open' && this.trialGate === undefined && halfOpenDue(s, this.host._now())
      ? 'half_open'
      : s.kind;
  }

  /**
   * The state as {@link peek} sees it: an open circuit whose reset period is over shows as a half_open
   * with no trials (for getMetrics(), which must not change state).
   */
  peekInternal(): InternalState {
    const s = this.s;
    return s.kind === 'open' && this.peek() === 'half_open' ? HALF_OPEN_DUE : s;
  }

  /**
   * Books a settled trial of the current half_open period: a failure re-opens the circuit; returns true
   * when this success completes the trials (the breaker then asks its rules for the verdict).
   */
  trialSettled(failed: boolean, succeeded: boolean, slow: boolean, permit: BreakerPermit): boolean {
    const s = this.s;
    if (s.kind !== 'half_open') return false;
    s.trialsInFlight--;
    if (failed) {
      this.open(this.host._options.resetTimeout, 'trial_failed', permit, undefined);
      return false;
    }
    if (!succeeded) return false;
    if (slow) s.slowTrials++;
    return ++s.trialSuccesses >= this.host._options.halfOpenMaxCalls;
  }

  /** Slow trials counted in the current half_open period (0 in any other state). */
  get slowTrials(): number {
    return this.s.kind === 'half_open' ? this.s.slowTrials : 0;
  }

  /** Opens the circuit now for `durationMs`. */
  open(
    durationMs: number,
    reason: TransitionReason,
    cause: BreakerPermit | undefined,
    numbers: DecisionNumbers | undefined,
    remote?: TransitionOptions,
  ): void {
    const now = this.host._now();
    this.transition(
      { kind: 'open', openedAt: now, halfOpenAt: now + durationMs },
      reason,
      cause,
      numbers,
      remote,
    );
  }

  /**
   * Opens the circuit for `durationMs` unless that would shorten a longer open period (then only the end
   * moves, which is no state change) or end forced_open or disabled. A stale `cause` (admitted before the
   * last state change, which its own outcome did not make) decides nothing.
   */
  openFor(
    durationMs: number,
    reason: TransitionReason,
    cause: BreakerPermit | undefined,
    remote?: TransitionOptions,
  ): void {
    if (cause !== undefined && cause.generation !== this.generation && cause !== this.changedBy) return;
    const s = this.current();
    if (s.kind === 'forced_open' || s.kind === 'disabled') return;
    const until = this.host._now() + durationMs;
    if (s.kind === 'open') {
      if (until > s.halfOpenAt) this.s = { kind: 'open', openedAt: s.openedAt, halfOpenAt: until };
      return;
    }
    this.open(durationMs, reason, cause, undefined, remote);
  }

  /** A fresh half_open state: no trials yet, and the time by which their verdict is due. */
  trialPhase(): InternalState {
    const trialDeadline = this.host._now() + this.host._options.halfOpenTimeout;
    return { kind: 'half_open', trialDeadline, trialsInFlight: 0, trialSuccesses: 0, slowTrials: 0 };
  }

  /** The one function through which every state change passes. */
  transition(
    to: InternalState,
    reason: TransitionReason,
    cause: BreakerPermit | undefined,
    numbers: DecisionNumbers | undefined,
    remote?: TransitionOptions,
  ): void {
    const from = this.s.kind;
    this.s = to;
    this.generation++;
    this.changedBy = cause;
    this.last = { from, to: to.kind, reason, at: this.host._now() };
    this.host._stateChanged({ from, to: to.kind, reason, cause, numbers, remote });
  }

  private rejected(rejection: number, retryAfterMs: number): Admission {
    this.rejection = rejection;
    return retryAfterMs;
  }

  /** The lazy open → half_open step, once the reset period is over. */
  private halfOpen(): void {
    this.transition(this.trialPhase(), 'reset_timeout', undefined, undefined);
  }

  /** What the trial gate says: 0 to half-open now (no gate, or a gate that throws), else ms to wait. */
  private trialWaitMs(): number {
    const gate = this.trialGate;
    if (gate === undefined) return 0;
    let wait: unknown;
    try {
      wait = gate();
    } catch (error) {
      // A broken gate must not keep the circuit open forever: behave as an ungated breaker.
      this.host._hookError(error, 'trialGate');
      return 0;
    }
    return typeof wait === 'number' && wait > 0 && Number.isFinite(wait) ? wait : 0;
  }
}
