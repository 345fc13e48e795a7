import type { Attributes } from '@opentelemetry/api';
import { errorOutcome, judgedError, resultOutcome } from './call-outcome.js';
import { callFallback, runWithTimeout } from './call-timeout.js';
import { checkDuration, show } from './check.js';
import { type CircuitOpenError, createCircuitOpenError, type RejectionKind } from './errors.js';
import { BreakerEmitter, type BreakerEventName, type BreakerListener, type Unsubscribe } from './events.js';
import { LifetimeCounts } from './lifetime-counts.js';
import { type CircuitBreakerOptions, type ResolvedOptions, resolveOptions } from './options.js';
import {
  type AcquireOptions,
  BreakerPermit,
  FAILURE,
  IGNORED,
  type Outcome,
  type Permit,
  SUCCESS,
} from './permit.js';
import { ConsecutiveFailures } from './policies/consecutive-failures.js';
import { createWindow } from './policies/create-window.js';
import { RateRule } from './policies/rate-rule.js';
import type { RateWindow } from './policies/rate-window.js';
import type { DecisionNumbers, TripDecision } from './policies/trip-decision.js';
import { type HookErrorHandler, type SafeHook, safeHook } from './safe-hook.js';
import { callerSignal, type SignalArgument, signalPosition, withSignal } from './signal-argument.js';
import { type BreakerSnapshot, restoredState, snapshotOf } from './snapshot.js';
import {
  type CircuitState,
  CLOSED,
  DISABLED,
  FORCED_OPEN,
  halfOpenDue,
  type InternalState,
  msLeftOpen,
  type TransitionReason,
} from './state.js';
import type { BreakerTelemetry } from './telemetry/breaker-telemetry.js';
import {
  activateTelemetry,
  type TelemetryMode,
  telemetryDue,
  telemetryModeOf,
} from './telemetry/telemetry-activation.js';
import type { TransitionOptions } from './transition-options.js';

/** Options of {@link CircuitBreaker.execute}. */
export interface ExecuteOptions extends AcquireOptions {
  /**
   * The caller's cancellation signal. An already-aborted signal rejects with its reason before anything
   * runs; a call that fails after the signal aborted is recorded as ignored, not as a failure.
   */
  readonly signal?: AbortSignal;
}

/** Options of {@link CircuitBreaker.wrap}. */
export interface WrapOptions {
  /**
   * `'last'`: the wrapped function receives the call's `AbortSignal` (aborted at the breaker's `timeout`)
   * as its last declared parameter; an `AbortSignal` the caller passes there is the caller's signal.
   * @defaultValue the function never sees the signal
   */
  readonly signal?: SignalArgument;
}

/**
 * Asked when a breaker's open period is over, before it admits trial calls: `0` lets trial calls start
 * here; a positive number keeps the circuit open (calls are rejected with kind `trial_elsewhere` and
 * that many ms as `retryAfterMs`) and the gate is asked again on the next call. Fleet coordination uses
 * it so that one replica probes for all; it must be cheap and synchronous (it runs on rejected calls).
 */
export type TrialGate = () => number;

/**
 * The shared settle handlers of one breaker generation's fast closed-path calls (see `executeClosed`),
 * with the permit that stands for all of them: never handed out, admitted without telemetry, untimed.
 */
interface ClosedPath {
  readonly permit: BreakerPermit;
  readonly onValue: (value: unknown) => void;
  readonly onError: (error: unknown) => void;
}

/** How getMetrics() shows an open circuit whose reset period is over (no trials have started). */
const HALF_OPEN_DUE: InternalState = Object.freeze({
  kind: 'half_open',
  trialDeadline: Number.POSITIVE_INFINITY,
  trialsInFlight: 0,
  trialSuccesses: 0,
  slowTrials: 0,
});

/** A snapshot of a breaker's numbers, from {@link CircuitBreaker.getMetrics}. */
export interface BreakerMetrics {
  readonly name: string;
  readonly state: CircuitState;
  readonly successCount: number;
  readonly failureCount: number;
  readonly ignoredCount: number;
  readonly rejectedCount: number;
  readonly timeoutCount: number;
  readonly stateChanges: number;
  readonly consecutiveFailures: number;
  /** Failure rate over the window in percent (0–100); `null` without a window or before `minimumCalls` calls. */
  readonly failureRate: number | null;
  /** Slow-call rate over the window in percent; `null` without a slow-call rule or before `minimumCalls`. */
  readonly slowCallRate: number | null;
  /** Calls currently held in the window (0 without one). */
  readonly bufferedCalls: number;
  /** Admitted calls not settled yet. */
  readonly inFlight: number;
  /** Ms until trial calls are admitted: 0 unless open; `Infinity` (`null` in JSON) while forced_open. */
  readonly retryAfterMs: number;
}

/**
 * A circuit breaker: it counts outcomes, opens when a rule says the dependency is failing, rejects calls
 * while open, and lets trial calls decide when to close again. No timers: the open → half_open step
 * happens when the next call (or state read) arrives after the reset period.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ name: 'payments', failureThreshold: 5, resetTimeout: 30_000 });
 * const receipt = await breaker.execute((signal) => charge(order, { signal }));
 * ```
 * @throws TypeError or RangeError when an option is invalid, naming the option and the value.
 */
export class CircuitBreaker<TFallback = never> {
  /** The breaker's name, as given in the options. */
  readonly name: string;
  /** @internal the resolved options. */
  readonly _options: ResolvedOptions;
  private s: InternalState = CLOSED;
  /** Bumped on every state change; a permit from an older generation is stale and decides nothing. */
  private generation = 0;
  private readonly consecutive: ConsecutiveFailures;
  private readonly window: RateWindow | undefined;
  private readonly rates: RateRule;
  /** Whether calls need a start time regardless of telemetry (the slow-call rule). */
  private readonly timesCalls: boolean;
  /** Whether outcomes need the time they settle at (a time window). */
  private readonly stampsOutcomes: boolean;
  private emitter: BreakerEmitter | undefined = undefined;
  /** Runs the user's hooks and listeners; their errors go to `onListenerError` or `console.error`. */
  private readonly hooks: SafeHook;
  private manualPermits: Permit[] | undefined = undefined;
  private trialGate: TrialGate | undefined = undefined;
  /** @internal made when there is somewhere to emit to: explicit providers, or an SDK registered globally. */
  _telemetry: BreakerTelemetry | undefined = undefined;
  /** Whether telemetry is on, and whether it has providers of its own (else it waits for a global SDK). */
  private readonly telemetryMode: TelemetryMode;
  private readonly counts = new LifetimeCounts();
  private inFlight = 0;
  /** The last state change and when it happened (breaker clock), for status pages; none before the first. */
  private last: { from: CircuitState; to: CircuitState; reason: TransitionReason; at: number } | undefined;
  /** The permit whose settlement made the last state change, if one did (see `openFor`'s `cause`). */
  private changedBy: BreakerPermit | undefined = undefined;
  /** The clock's last good reading, for when it throws (see `now()`). */
  private lastNow = 0;
  /** Whether no option needs a per-call permit in `execute()` (timeout, fallback, slow-call timing). */
  private readonly plainCalls: boolean;
  /** The current generation's shared handlers for fast closed-path calls, made on its first such call. */
  private closedPath: ClosedPath | undefined = undefined;

  constructor(options: CircuitBreakerOptions<TFallback> = {}) {
    const o = resolveOptions(options as CircuitBreakerOptions<unknown>);
    this._options = o;
    this.name = o.name;
    this.consecutive = new ConsecutiveFailures(o.failureThreshold);
    this.rates = new RateRule(
      o.failureRateThreshold,
      o.slowCallRateThreshold,
      o.slowCallDuration !== undefined,
      o.minimumCalls,
    );
    this.window = createWindow(o.window);
    this.timesCalls = o.slowCallDuration !== undefined;
    this.stampsOutcomes = o.window?.type === 'time';
    this.plainCalls = o.timeout === undefined && o.fallback === undefined && !this.timesCalls;
    this.hooks = safeHook(`breaker "${o.name}"`, o.onListenerError as HookErrorHandler | undefined);
    if (o.initialState !== undefined) this.restore(o.initialState);
    this.telemetryMode = telemetryModeOf(o.telemetry);
    // With an SDK already there, the breaker joins `tripswitch.breaker.status` before its first call.
    this.telemetryFor(true);
  }

  // ---------------------------------------------------------------------------------------------------
  // Calls

  /**
   * Runs `fn` if the breaker admits the call and records its outcome. Returns its result or re-throws its
   * error unchanged (non-Error values too; a synchronous throw counts like a rejection).
   *
   * @param fn - receives an `AbortSignal` when there is a `timeout` or a caller signal, else `undefined`.
   * @throws {@link CircuitOpenError} when rejected (unless `fallback` gives a value); {@link CallTimeoutError}
   * when `timeout` elapses first. TypeError at once, counted as nothing, when `fn` is not a function.
   */
  execute<T>(
    fn: (signal: AbortSignal | undefined) => T | PromiseLike<T>,
    options?: ExecuteOptions,
  ): Promise<T | TFallback> {
    if (typeof fn !== 'function') throw new TypeError(`execute(fn) needs a function, got ${show(fn)}`);
    const signal = options?.signal;
    if (signal === undefined && this.admitsClosedFast()) return this.executeClosed(fn);
    if (signal?.aborted) return Promise.reject(signal.reason);
    const permit = this.decide(options?.attributes, true);
    const fallback = this._options.fallback;
    if (!(permit instanceof BreakerPermit)) {
      return fallback === undefined ? Promise.reject(permit) : callFallback<TFallback>(fallback, permit);
    }
    // Not an async function: this is every call's path, and an async frame costs an extra promise and
    // microtask hop.
    let pending: T | PromiseLike<T>;
    try {
      pending =
        this._options.timeout !== undefined
          ? this.runTimed(fn, permit, this._options.timeout, signal)
          : permit.span !== undefined
            ? (this._telemetry as BreakerTelemetry).runInCall(permit, fn, signal)
            : fn(signal);
    } catch (error) {
      pending = Promise.reject(error);
    }
    const result = Promise.resolve(pending);
    if (fallback === undefined) {
      // Without a fallback the caller gets fn's own promise: its value or error unchanged, with no extra
      // hop, and no re-throw on the failure path. The outcome is recorded on the side; these reactions
      // were attached first, so they run before the caller's `await` resumes. They cannot throw.
      result.then(
        (value) => this.recordResult(permit, value),
        (error: unknown) => this.recordError(permit, error, signal),
      );
      return result;
    }
    return result.then(
      (value) => (this.recordResult(permit, value) ? fallback(value) : value) as T | TFallback,
      (error: unknown) => {
        if (this.recordError(permit, error, signal)) return fallback(error) as TFallback;
        throw error;
      },
    );
  }

  /**
   * Returns a function with the same parameters as `fn` that calls it through {@link execute}. With
   * `{ signal: 'last' }`, `fn`'s last declared parameter receives the call's `AbortSignal`.
   *
   * @throws TypeError when `fn` is not a function, or `signal: 'last'` and `fn` declares no parameter.
   * @example
   * ```ts
   * const getUser = breaker.wrap((id: string) => fetchUser(id));
   * await getUser('42');
   * const getOrder = breaker.wrap((id: string, signal?: AbortSignal) => fetchOrder(id, { signal }), { signal: 'last' });
   * ```
   */
  wrap<A extends unknown[], R>(
    fn: (...args: A) => R | PromiseLike<R>,
    options?: WrapOptions,
  ): (...args: A) => Promise<Awaited<R> | TFallback> {
    if (typeof fn !== 'function') throw new TypeError(`wrap(fn) needs a function, got ${show(fn)}`);
    const at = signalPosition('wrap(fn, options)', fn, options?.signal);
    const breaker = this;
    if (at >= 0) {
      return function wrapped(this: unknown, ...args: A) {
        return breaker.execute<R>(
          (signal) => fn.apply(this, withSignal(args, at, signal) as A),
          callerSignal(args, at),
        ) as Promise<Awaited<R> | TFallback>;
      };
    }
    return function wrapped(this: unknown, ...args: A) {
      return breaker.execute(() => fn.apply(this, args)) as Promise<Awaited<R> | TFallback>;
    };
  }

  /**
   * Asks to make one call. Returns a {@link Permit} to settle with the outcome, or `undefined` when the
   * breaker rejects the call (the rejection is counted and emitted).
   */
  tryAcquire(options?: AcquireOptions): Permit | undefined {
    // No CircuitOpenError is built for a rejection here unless a `reject` listener wants one.
    const permit = this.decide(options?.attributes, false);
    return permit instanceof BreakerPermit ? permit : undefined;
  }

  /**
   * Like {@link tryAcquire}, but throws the {@link CircuitOpenError} when rejected: adapters turn it into
   * a 503 or a rejected request.
   * @throws {@link CircuitOpenError}
   */
  acquire(options?: AcquireOptions): Permit {
    const permit = this.decide(options?.attributes, true);
    if (permit instanceof BreakerPermit) return permit;
    throw permit;
  }

  /**
   * Like {@link acquire}, but returns the {@link CircuitOpenError} instead of throwing it. Adapters use it:
   * a rejection is their hot path under overload, and a `throw` costs more than the rest of it.
   *
   * @example
   * ```ts
   * const permit = breaker.admit({ attributes: { 'http.route': '/users/:id' } });
   * if (isCircuitOpenError(permit)) return reply503(permit.retryAfterMs);
   * ```
   */
  admit(options?: AcquireOptions): Permit | CircuitOpenError {
    return this.decide(options?.attributes, true) as BreakerPermit | CircuitOpenError;
  }

  /**
   * The manual API: `true` admits one call, which must then be reported with exactly one of
   * {@link success} or {@link failure}.
   *
   * Caveat: the reports are matched to admitted calls oldest first, so with concurrent calls a report may
   * be booked against another call's admission (its duration, or its staleness after a state change).
   * Prefer {@link tryAcquire}, whose permits cannot be confused.
   */
  allowRequest(): boolean {
    const permit = this.tryAcquire();
    if (permit === undefined) return false;
    this.manualPermits ??= [];
    this.manualPermits.push(permit);
    return true;
  }

  /** Reports the oldest outstanding {@link allowRequest} call as a success; does nothing if there is none. */
  success(): void {
    this.manualPermits?.shift()?.success();
  }

  /**
   * Reports the oldest outstanding {@link allowRequest} call as failed with `error`, judged by `ignore` and
   * `isFailure` as {@link execute} judges a thrown error; does nothing if there is none.
   */
  failure(error?: unknown): void {
    const permit = this.manualPermits?.shift();
    if (permit !== undefined)
      this._settle(permit as BreakerPermit, judgedError(this._options, this.hooks, error), error);
  }

  // ---------------------------------------------------------------------------------------------------
  // State and control

  /**
   * How long (ms) a trip keeps the circuit open before a trial: the resolved `resetTimeout` option
   * (fleet coordination caps remote opens by a multiple of it).
   */
  get resetTimeout(): number {
    return this._options.resetTimeout;
  }

  /** The current state; reading it also performs a due open → half_open step. */
  get state(): CircuitState {
    return this.current().kind;
  }

  /** Ms until trial calls are admitted: 0 unless open, `Infinity` while forced_open. */
  get retryAfterMs(): number {
    const s = this.current();
    if (s.kind === 'open') return msLeftOpen(s, this.now());
    return s.kind === 'forced_open' ? Number.POSITIVE_INFINITY : 0;
  }

  /** Opens the circuit until {@link close} (or {@link reset}) is called. */
  forceOpen(): void {
    if (this.current().kind !== 'forced_open') this.transition(FORCED_OPEN, 'manual', undefined, undefined);
  }

  /**
   * Opens the circuit now and admits trial calls after `durationMs` instead of `resetTimeout`. It never
   * shortens a longer open period (nor ends forced_open or disabled).
   *
   * @param options.reason - the transition reason; `manual` unless given (the Axios adapter passes `retry_after`).
   * @param options.cause - the permit of the call that asked for it (an upstream's `Retry-After`): the
   * transition span is then its child, as for a trip by a rule. A stale cause (admitted before the last
   * state change, which its own outcome did not make) decides nothing, as its outcome does not: the call
   * then does nothing.
   * @throws RangeError when `durationMs` is negative, NaN or infinite.
   */
  openFor(durationMs: number, options?: TransitionOptions): void {
    checkDuration('openFor(durationMs)', durationMs);
    const reason = options?.reason ?? 'manual';
    const cause = options?.cause;
    const own =
      cause instanceof BreakerPermit && cause.breaker === (this as CircuitBreaker<unknown>)
        ? cause
        : undefined;
    if (own !== undefined && own.generation !== this.generation && own !== this.changedBy) return;
    const s = this.current();
    if (s.kind === 'forced_open' || s.kind === 'disabled') return;
    const now = this.now();
    const until = now + durationMs;
    if (s.kind === 'open') {
      // Extending keeps the state, so there is no transition to report; only the end moves.
      if (until > s.halfOpenAt) this.s = { kind: 'open', openedAt: s.openedAt, halfOpenAt: until };
      return;
    }
    this.transition({ kind: 'open', openedAt: now, halfOpenAt: until }, reason, own, undefined, options);
  }

  /**
   * Closes the circuit and clears the counts that decide (consecutive failures, the window).
   * @param options - the transition's `reason` (`manual` unless given), `origin` and `link`.
   */
  close(options?: TransitionOptions): void {
    if (this.current().kind !== 'closed') {
      this.transition(CLOSED, options?.reason ?? 'manual', undefined, undefined, options);
    }
    this.consecutive.reset();
    this.window?.reset();
  }

  /** {@link close}, and also zeroes the lifetime counters reported by {@link getMetrics}. */
  reset(): void {
    this.close();
    this.counts.restore();
  }

  /** Admits every call until {@link close}; outcomes are still counted and emitted, but decide nothing. */
  disable(): void {
    if (this.current().kind !== 'disabled') this.transition(DISABLED, 'manual', undefined, undefined);
  }

  /**
   * Installs the {@link TrialGate} asked before this breaker goes from open to half_open. One gate per
   * breaker; without one (the default) the breaker half-opens on its own and pays nothing for this.
   *
   * @returns a function that removes the gate; calling it again does nothing.
   * @throws TypeError when `gate` is not a function; Error when the breaker already has a gate.
   * @example
   * ```ts
   * const ungate = breaker.gateTrials(() => (fleetTrialRunsElsewhere ? 500 : 0));
   * ```
   */
  gateTrials(gate: TrialGate): Unsubscribe {
    if (typeof gate !== 'function')
      throw new TypeError(`gateTrials(gate) needs a function, got ${show(gate)}`);
    if (this.trialGate !== undefined) throw new Error(`breaker "${this.name}" already has a trial gate`);
    this.trialGate = gate;
    return () => {
      if (this.trialGate === gate) this.trialGate = undefined;
    };
  }

  /** A snapshot of the breaker's numbers (see {@link BreakerMetrics}). */
  getMetrics(): BreakerMetrics {
    // Reading numbers must not change state (a health check would emit a transition in its own trace):
    // a due open → half_open is reported as half_open and happens on the next call.
    const s: InternalState =
      this._peekState() === 'half_open' && this.s.kind === 'open' ? HALF_OPEN_DUE : this.s;
    const now = this.now();
    const w = this.window;
    w?.expire(now);
    const enough = w !== undefined && w.calls >= this._options.minimumCalls;
    return {
      name: this.name,
      state: s.kind,
      successCount: this.counts.success,
      failureCount: this.counts.failure,
      ignoredCount: this.counts.ignored,
      rejectedCount: this.counts.rejected,
      timeoutCount: this.counts.timeout,
      stateChanges: this.counts.stateChanges,
      consecutiveFailures: this.consecutive.count,
      failureRate: enough ? (w.failures / w.calls) * 100 : null,
      slowCallRate: enough && this._options.slowCallDuration !== undefined ? (w.slow / w.calls) * 100 : null,
      bufferedCalls: w?.calls ?? 0,
      inFlight: this.inFlight,
      retryAfterMs:
        s.kind === 'open' ? msLeftOpen(s, now) : s.kind === 'forced_open' ? Number.POSITIVE_INFINITY : 0,
    };
  }

  /**
   * Subscribes to an event; returns a function that unsubscribes. A listener that throws is reported
   * through `onListenerError` and never breaks the call.
   */
  on<E extends BreakerEventName>(event: E, listener: BreakerListener<E>): Unsubscribe {
    this.emitter ??= new BreakerEmitter(this.hooks);
    return this.emitter.on(event, listener);
  }

  /** The state and counts as JSON; pass it back as `initialState` to restore the breaker. */
  toJSON(): BreakerSnapshot {
    const s = this.current();
    return snapshotOf(this.name, s, this.now(), this.consecutive.count, this.window, this.counts.toJSON());
  }

  // ---------------------------------------------------------------------------------------------------
  // Internals

  /** @internal the state without performing a due transition (for metric callbacks). */
  _peekState(): CircuitState {
    const s = this.s;
    // With a trial gate a due circuit stays open until the gate, asked on the next call, lets it go.
    return s.kind === 'open' && this.trialGate === undefined && halfOpenDue(s, this.now())
      ? 'half_open'
      : s.kind;
  }

  /**
   * @internal the last state change and how long ago it was (by the breaker's clock), or `undefined`
   * before the first; a status page reads it to say since when and why a breaker is in its state.
   */
  _lastTransition():
    | { from: CircuitState; to: CircuitState; reason: TransitionReason; ageMs: number }
    | undefined {
    const t = this.last;
    if (t === undefined) return undefined;
    return { from: t.from, to: t.to, reason: t.reason, ageMs: this.now() - t.at };
  }

  /** @internal admitted calls not settled yet (the registry evicts only idle breakers). */
  _inFlightCount(): number {
    return this.inFlight;
  }

  /** @internal the failure rate as a 0..1 ratio, or null without a window or enough calls. */
  _failureRatio(): number | null {
    const w = this.window;
    if (w === undefined) return null;
    w.expire(this.now());
    return w.calls >= this._options.minimumCalls ? w.failures / w.calls : null;
  }

  /** @internal the current internal state, after a due open → half_open step. */
  private current(): InternalState {
    const s = this.s;
    if (s.kind === 'open' && halfOpenDue(s, this.now()) && this.trialWaitMs() === 0) {
      this.halfOpen();
    }
    return this.s;
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
      this.hooks.report(error, 'trialGate');
      return 0;
    }
    return typeof wait === 'number' && wait > 0 && Number.isFinite(wait) ? wait : 0;
  }

  /**
   * The clock's reading. A user's clock that throws (or answers something that is not a finite number)
   * must not lose a call or crash the host through `execute()`'s side chain: it is reported as a `clock`
   * hook error and the last good reading stands in.
   */
  private now(): number {
    let t: unknown;
    try {
      t = this._options.clock.now();
    } catch (error) {
      this.hooks.report(error, 'clock');
      return this.lastNow;
    }
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      this.hooks.report(new TypeError(`clock.now() must return a finite number, got ${show(t)}`), 'clock');
      return this.lastNow;
    }
    this.lastNow = t;
    return t;
  }

  /** The breaker's telemetry, made on first need; `now` re-reads the global SDK registration at once. */
  private telemetryFor(now: boolean): BreakerTelemetry | undefined {
    if (!telemetryDue(this.telemetryMode, now)) return undefined;
    const o = this._options;
    this._telemetry = activateTelemetry(this, o.telemetry, o.traceCalls);
    return this._telemetry;
  }

  /** The lazy open → half_open step, once the reset period is over. */
  private halfOpen(): void {
    this.transition(this.trialPhase(), 'reset_timeout', undefined, undefined);
  }

  /** A fresh half_open state: no trials yet, and the time by which their verdict is due. */
  private trialPhase(): InternalState {
    const trialDeadline = this.now() + this._options.halfOpenTimeout;
    return { kind: 'half_open', trialDeadline, trialsInFlight: 0, trialSuccesses: 0, slowTrials: 0 };
  }

  /**
   * The admission decision: a permit, or the rejection (already counted and emitted), which is built only
   * when `wantError` or a `reject` listener needs it.
   */
  private decide(
    attributes: Attributes | undefined,
    wantError: boolean,
  ): BreakerPermit | CircuitOpenError | undefined {
    let s = this.s;
    let trial = false;
    if (s.kind !== 'closed' && s.kind !== 'disabled') {
      if (s.kind === 'open') {
        const now = this.now();
        if (!halfOpenDue(s, now))
          return this.reject(s.kind, 'circuit_open', msLeftOpen(s, now), attributes, wantError);
        if (this.trialGate !== undefined) {
          const wait = this.trialWaitMs();
          if (wait > 0) return this.reject(s.kind, 'trial_elsewhere', wait, attributes, wantError);
        }
        this.halfOpen();
        s = this.s;
        // A stateChange listener may have moved the circuit on (openFor, forceOpen, close, disable): decide
        // on the state it left. Open again means rejected, without a second lazy step in this call.
        if (s.kind === 'open') {
          return this.reject(s.kind, 'circuit_open', msLeftOpen(s, now), attributes, wantError);
        }
      }
      if (s.kind === 'half_open') {
        if (s.trialsInFlight + s.trialSuccesses >= this._options.halfOpenMaxCalls) {
          if (s.trialsInFlight > 0 && this.now() >= s.trialDeadline) {
            // Trials that never settle must not hold the circuit half_open: they become stale.
            this.open(this._options.resetTimeout, 'trial_timeout', undefined, undefined);
            return this.reject('open', 'circuit_open', this._options.resetTimeout, attributes, wantError);
          }
          return this.reject(s.kind, 'half_open_full', 0, attributes, wantError);
        }
        s.trialsInFlight++;
        trial = true;
      } else if (s.kind === 'forced_open') {
        return this.reject(s.kind, 'circuit_open', Number.POSITIVE_INFINITY, attributes, wantError);
      }
    }
    this.inFlight++;
    const tel = this._telemetry ?? this.telemetryFor(false);
    const timed = this.timesCalls || tel?.active() === true;
    const permit = new BreakerPermit(
      this as CircuitBreaker<unknown>,
      this.generation,
      timed ? this.now() : Number.NaN,
      s.kind,
      trial,
      attributes,
    );
    if (tel !== undefined) tel.admitted(permit);
    return permit;
  }

  private reject(
    state: CircuitState,
    kind: RejectionKind,
    retryAfterMs: number,
    attributes: Attributes | undefined,
    wantError: boolean,
  ): CircuitOpenError | undefined {
    this.counts.rejected++;
    const emitter = this.emitter;
    const listened = emitter?.has('reject') === true;
    const error =
      wantError || listened
        ? createCircuitOpenError(this.name, state, retryAfterMs, kind, this._options.rejectionStackTraces)
        : undefined;
    if (listened) emitter?.emit('reject', { error: error as CircuitOpenError });
    (this._telemetry ?? this.telemetryFor(true))?.rejected(state, kind, retryAfterMs, attributes);
    return error;
  }

  /** @internal settles a permit once: counts it, reports it, and lets it decide if it is not stale. */
  _settle(permit: BreakerPermit, outcome: Outcome, error: unknown): void {
    if (permit.settled) return;
    permit.settled = true;
    this.book(permit, outcome, error);
  }

  /**
   * Books one settled call: counts it, reports it, and lets it decide if it is not stale. `permit` is the
   * call's own (settled once by `_settle`) or a generation's shared {@link ClosedPath} permit.
   */
  private book(permit: BreakerPermit, outcome: Outcome, error: unknown): void {
    this.inFlight--;
    const o = this._options;
    const now = this.stampsOutcomes || !Number.isNaN(permit.startedAt) ? this.now() : Number.NaN;
    const durationMs = now - permit.startedAt;
    if (outcome === SUCCESS) this.counts.success++;
    else if (outcome === FAILURE) this.counts.failure++;
    else this.counts.ignored++;
    const emitter = this.emitter;
    // A stateChange-only listener (fleet coordination) costs the settle path one field read.
    if (emitter?.outcomes === true) this.emitOutcome(emitter, permit, outcome, error, durationMs);
    this._telemetry?.settled(permit, outcome, error, durationMs);
    if (permit.generation !== this.generation) return; // stale: counted above, decides nothing

    const s = this.s;
    if (s.kind === 'closed' || s.kind === 'disabled') {
      // Disabled is metrics-only: the rules keep their numbers current but open nothing.
      if (outcome !== IGNORED) this.record(outcome === FAILURE, durationMs, now, permit, s.kind === 'closed');
    } else if (s.kind === 'half_open') {
      s.trialsInFlight--;
      if (outcome === FAILURE) {
        this.open(o.resetTimeout, 'trial_failed', permit, undefined);
      } else if (outcome === SUCCESS) {
        if (o.slowCallDuration !== undefined && durationMs >= o.slowCallDuration) s.slowTrials++;
        if (++s.trialSuccesses >= o.halfOpenMaxCalls) this.trialVerdict(s.slowTrials, permit);
      }
    }
  }

  /**
   * Every trial succeeded: the circuit closes unless the slow-call rule, applied to the trials, says the
   * dependency is still too slow (then it re-opens, reason `slow_call_rate`).
   */
  private trialVerdict(slowTrials: number, permit: BreakerPermit): void {
    const tooSlow = this.rates.slowCalls(slowTrials, this._options.halfOpenMaxCalls);
    if (tooSlow !== undefined) this.open(this._options.resetTimeout, tooSlow.reason, permit, tooSlow.numbers);
    else this.transition(CLOSED, 'trial_succeeded', permit, undefined);
  }

  /** Feeds an outcome to the rules and, when `decides`, opens the circuit when one says so. */
  private record(
    failed: boolean,
    durationMs: number,
    now: number,
    permit: BreakerPermit,
    decides: boolean,
  ): void {
    const o = this._options;
    let decision: TripDecision | undefined;
    if (!failed) this.consecutive.success();
    else decision = this.consecutive.failure();
    const w = this.window;
    if (w !== undefined) {
      w.record(failed, o.slowCallDuration !== undefined && durationMs >= o.slowCallDuration, now);
      if (decides) decision ??= this.rates.decide(w);
    }
    if (decides && decision !== undefined)
      this.open(o.resetTimeout, decision.reason, permit, decision.numbers);
  }

  private open(
    durationMs: number,
    reason: TransitionReason,
    cause: BreakerPermit | undefined,
    numbers: DecisionNumbers | undefined,
  ): void {
    const now = this.now();
    this.transition({ kind: 'open', openedAt: now, halfOpenAt: now + durationMs }, reason, cause, numbers);
  }

  private transition(
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
    this.counts.stateChanges++;
    this.last = { from, to: to.kind, reason, at: this.now() };
    if (to.kind === 'closed') {
      this.consecutive.reset();
      this.window?.reset();
    }
    const spanContext = (this._telemetry ?? this.telemetryFor(true))?.transition(
      from,
      to.kind,
      reason,
      cause,
      numbers,
      remote,
    );
    this.emitter?.emit(
      'stateChange',
      spanContext === undefined ? { from, to: to.kind, reason } : { from, to: to.kind, reason, spanContext },
    );
  }

  private emitOutcome(
    emitter: BreakerEmitter,
    permit: BreakerPermit,
    outcome: Outcome,
    error: unknown,
    durationMs: number,
  ): void {
    if (outcome === SUCCESS) {
      if (emitter.has('success')) emitter.emit('success', { durationMs, state: permit.state });
    } else if (outcome === FAILURE) {
      if (emitter.has('failure')) emitter.emit('failure', { error, durationMs, state: permit.state });
    } else if (emitter.has('ignored')) {
      emitter.emit('ignored', { error, state: permit.state });
    }
  }

  /** Settles a call that returned `value`; true when `isResultFailure` judged it a failure. */
  private recordResult(permit: BreakerPermit, value: unknown): boolean {
    const outcome = resultOutcome(this._options, this.hooks, value);
    this._settle(permit, outcome, outcome === FAILURE ? value : undefined);
    return outcome === FAILURE;
  }

  /**
   * Whether this `execute()` call (no caller signal) can skip the permit: the circuit is closed, no
   * option needs one, and there is no telemetry to report the call to. The telemetry check comes last:
   * it is the admission's one look at the SDK registration, which `decide()` makes otherwise.
   */
  private admitsClosedFast(): boolean {
    return (
      this.s.kind === 'closed' &&
      this.plainCalls &&
      (this._telemetry ?? this.telemetryFor(false)) === undefined
    );
  }

  /**
   * The common closed call: what `decide()` and `execute()` do for it, less the per-call permit and
   * closures. The outcome is booked by the generation's shared handlers exactly as `_settle` books a
   * permit's (a promise settles once, so they run once per call); after a state change they are stale.
   */
  private executeClosed<T>(fn: (signal: AbortSignal | undefined) => T | PromiseLike<T>): Promise<T> {
    this.inFlight++;
    const path = this.closedPathNow();
    let pending: T | PromiseLike<T>;
    try {
      pending = fn(undefined);
    } catch (error) {
      pending = Promise.reject(error);
    }
    const result = Promise.resolve(pending);
    result.then(path.onValue, path.onError);
    return result;
  }

  /** The current generation's {@link ClosedPath}, made once per generation. */
  private closedPathNow(): ClosedPath {
    const path = this.closedPath;
    if (path !== undefined && path.permit.generation === this.generation) return path;
    const permit = new BreakerPermit(
      this as CircuitBreaker<unknown>,
      this.generation,
      Number.NaN,
      'closed',
      false,
      undefined,
    );
    this.closedPath = {
      permit,
      onValue: (value) => {
        const outcome = resultOutcome(this._options, this.hooks, value);
        this.book(permit, outcome, outcome === FAILURE ? value : undefined);
      },
      onError: (error) => this.book(permit, errorOutcome(this._options, this.hooks, error, undefined), error),
    };
    return this.closedPath;
  }

  /** Settles a call that threw `error`; true when it counted as a failure. */
  private recordError(permit: BreakerPermit, error: unknown, signal: AbortSignal | undefined): boolean {
    const outcome = errorOutcome(this._options, this.hooks, error, signal);
    this._settle(permit, outcome, error);
    return outcome === FAILURE;
  }

  private runTimed<T>(
    fn: (signal: AbortSignal | undefined) => T | PromiseLike<T>,
    permit: BreakerPermit,
    timeoutMs: number,
    callerSignal: AbortSignal | undefined,
  ): Promise<T> {
    const tel = this._telemetry;
    return runWithTimeout(
      (signal) =>
        permit.span !== undefined && tel !== undefined ? tel.runInCall(permit, fn, signal) : fn(signal),
      this.name,
      timeoutMs,
      callerSignal,
      () => {
        this.counts.timeout++;
        this.emitter?.emit('timeout', { timeoutMs });
      },
    );
  }

  private restore(snapshot: BreakerSnapshot): void {
    const now = this.now();
    this.s = restoredState(snapshot, now, this._options.resetTimeout, () => this.trialPhase());
    this.consecutive.count = snapshot.consecutiveFailures;
    if (snapshot.window !== undefined) this.window?.restore(snapshot.window, now);
    this.counts.restore(snapshot.counts);
  }
}
