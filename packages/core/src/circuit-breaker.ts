import type { Attributes } from '@opentelemetry/api';
import { asPromise } from './as-promise.js';
import { errorOutcome, judgedError, resultOutcome } from './call-outcome.js';
import { callFallback, runWithTimeout } from './call-timeout.js';
import { checkDuration, show } from './check.js';
import { type CircuitOpenError, createCircuitOpenError } from './errors.js';
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
import { RateRule } from './policies/rate-rule.js';
import type { TripDecision } from './policies/trip-decision.js';
import { readClock } from './read-clock.js';
import { type HookErrorHandler, type SafeHook, safeHook } from './safe-hook.js';
import { callerSignal, type SignalArgument, signalPosition, withSignal } from './signal-argument.js';
import { type BreakerSnapshot, restoredState, snapshotOf } from './snapshot.js';
import {
  type CircuitState,
  CLOSED,
  DISABLED,
  FORCED_OPEN,
  msLeftOpen,
  type TransitionReason,
} from './state.js';
import {
  ADMITTED,
  REJECTIONS,
  type StateChange,
  StateMachine,
  TRIAL,
  type TrialGate,
} from './state-machine.js';
import type { BreakerTelemetry } from './telemetry/breaker-telemetry.js';
import {
  activateTelemetry,
  FAST_PATH_SDK_CHECK_EVERY,
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

export type { TrialGate } from './state-machine.js';

/**
 * The shared settle handlers of one breaker generation's fast closed-path calls (see `executeClosed`),
 * with the permit that stands for all of them: never handed out, admitted without telemetry, untimed.
 */
interface ClosedPath {
  readonly permit: BreakerPermit;
  readonly onValue: (value: unknown) => void;
  readonly onError: (error: unknown) => void;
}

// What a breaker's options ask of every call, one bit each (a breaker holds one small field for them).
/** No option needs a per-call permit in `execute()` (no timeout, fallback or slow-call timing). */
const PLAIN_CALLS = 1;
/** Calls need a start time regardless of telemetry (the slow-call rule). */
const TIMES_CALLS = 2;
/** Outcomes need the time they settle at (a time window). */
const STAMPS_OUTCOMES = 4;

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
  /** The admission state machine: state, generation, and every state change. */
  private readonly m: StateMachine;
  /** The trip rules: consecutive failures, then the rates over the window (when there is one). */
  private readonly consecutive: ConsecutiveFailures;
  private readonly rates: RateRule | undefined;
  /** What the options ask of every call, as {@link PLAIN_CALLS} | {@link TIMES_CALLS} | {@link STAMPS_OUTCOMES}. */
  private readonly needs: number;
  private emitter: BreakerEmitter | undefined = undefined;
  /** Runs the user's hooks and listeners; their errors go to `onListenerError` or `console.error`. */
  private readonly hooks: SafeHook;
  private manualPermits: Permit[] | undefined = undefined;
  /** @internal made when there is somewhere to emit to: explicit providers, or an SDK registered globally. */
  _telemetry: BreakerTelemetry | undefined = undefined;
  /** Whether telemetry is on, and whether it has providers of its own (else it waits for a global SDK). */
  private readonly telemetryMode: TelemetryMode;
  private readonly counts = new LifetimeCounts();
  private inFlight = 0;
  /** The clock's last good reading, for when it throws (see `readClock`). */
  private lastNow = 0;
  /**
   * The current generation's shared handlers for fast closed-path calls, made on its first such call and
   * dropped on every state change and when telemetry activates (see `fastPath`).
   */
  private closedPath: ClosedPath | undefined = undefined;
  /** Fast closed calls left before the fast path looks at the SDK registration again. */
  private untilSdkCheck = 0;

  constructor(options: CircuitBreakerOptions<TFallback> = {}) {
    const o = resolveOptions(options as CircuitBreakerOptions<unknown>);
    this._options = o;
    this.name = o.name;
    this.consecutive = new ConsecutiveFailures(o.failureThreshold);
    this.rates = RateRule.of(o);
    const timesCalls = o.slowCallDuration !== undefined;
    this.needs =
      (timesCalls ? TIMES_CALLS : 0) |
      (o.window?.type === 'time' ? STAMPS_OUTCOMES : 0) |
      (o.timeout === undefined && o.fallback === undefined && !timesCalls ? PLAIN_CALLS : 0);
    this.hooks = safeHook(`breaker "${o.name}"`, o.onListenerError as HookErrorHandler | undefined);
    this.m = new StateMachine(this);
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
    // The common call is the fast path (one field and a countdown); everything else is `executePermitted`.
    if (options?.signal === undefined) {
      const path = this.fastPath();
      if (path !== undefined) return this.executeClosed(path, fn);
    }
    return this.executePermitted(fn, options);
  }

  /** {@link execute} with a permit: a caller signal, an option that needs one, telemetry, or not closed. */
  private executePermitted<T>(
    fn: (signal: AbortSignal | undefined) => T | PromiseLike<T>,
    options: ExecuteOptions | undefined,
  ): Promise<T | TFallback> {
    const signal = options?.signal;
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
    const result = asPromise(pending);
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
    return this.m.current().kind;
  }

  /** Ms until trial calls are admitted: 0 unless open, `Infinity` while forced_open. */
  get retryAfterMs(): number {
    const s = this.m.current();
    if (s.kind === 'open') return msLeftOpen(s, this._now());
    return s.kind === 'forced_open' ? Number.POSITIVE_INFINITY : 0;
  }

  /** Opens the circuit until {@link close} (or {@link reset}) is called. */
  forceOpen(): void {
    if (this.m.current().kind !== 'forced_open')
      this.m.transition(FORCED_OPEN, 'manual', undefined, undefined);
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
    const cause = options?.cause;
    const own =
      cause instanceof BreakerPermit && cause.breaker === (this as CircuitBreaker<unknown>)
        ? cause
        : undefined;
    this.m.openFor(durationMs, options?.reason ?? 'manual', own, options);
  }

  /**
   * Closes the circuit and clears the counts that decide (consecutive failures, the window).
   * @param options - the transition's `reason` (`manual` unless given), `origin` and `link`.
   */
  close(options?: TransitionOptions): void {
    if (this.m.current().kind !== 'closed') {
      this.m.transition(CLOSED, options?.reason ?? 'manual', undefined, undefined, options);
    }
    this.clearRules();
  }

  /** {@link close}, and also zeroes the lifetime counters reported by {@link getMetrics}. */
  reset(): void {
    this.close();
    this.counts.restore();
  }

  /** Admits every call until {@link close}; outcomes are still counted and emitted, but decide nothing. */
  disable(): void {
    if (this.m.current().kind !== 'disabled') this.m.transition(DISABLED, 'manual', undefined, undefined);
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
    const m = this.m;
    if (m.trialGate !== undefined) throw new Error(`breaker "${this.name}" already has a trial gate`);
    m.trialGate = gate;
    return () => {
      if (m.trialGate === gate) m.trialGate = undefined;
    };
  }

  /** A snapshot of the breaker's numbers (see {@link BreakerMetrics}). */
  getMetrics(): BreakerMetrics {
    // Reading numbers must not change state (a health check would emit a transition in its own trace):
    // a due open → half_open is reported as half_open and happens on the next call.
    const s = this.m.peekInternal();
    const now = this._now();
    const w = this.rates?.window;
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
    const s = this.m.current();
    return snapshotOf(
      this.name,
      s,
      this._now(),
      this.consecutive.count,
      this.rates?.window,
      this.counts.toJSON(),
    );
  }

  // ---------------------------------------------------------------------------------------------------
  // Internals

  /** @internal the state without performing a due transition (for metric callbacks). */
  _peekState(): CircuitState {
    return this.m.peek();
  }

  /**
   * @internal the last state change and how long ago it was (by the breaker's clock), or `undefined`
   * before the first; a status page reads it to say since when and why a breaker is in its state.
   */
  _lastTransition():
    | { from: CircuitState; to: CircuitState; reason: TransitionReason; ageMs: number }
    | undefined {
    const t = this.m.last;
    if (t === undefined) return undefined;
    return { from: t.from, to: t.to, reason: t.reason, ageMs: this._now() - t.at };
  }

  /** @internal admitted calls not settled yet (the registry evicts only idle breakers). */
  _inFlightCount(): number {
    return this.inFlight;
  }

  /** @internal the failure rate as a 0..1 ratio, or null without a window or enough calls. */
  _failureRatio(): number | null {
    const w = this.rates?.window;
    if (w === undefined) return null;
    w.expire(this._now());
    return w.calls >= this._options.minimumCalls ? w.failures / w.calls : null;
  }

  /** @internal Reports a user hook's error as the breaker's hooks do (the state machine's trial gate). */
  _hookError(error: unknown, hook: string): void {
    this.hooks.report(error, hook);
  }

  /** @internal The clock's reading; a clock that throws is reported and the last good reading stands in. */
  _now(): number {
    const t = readClock(this._options.clock, this.hooks, this.lastNow);
    this.lastNow = t;
    return t;
  }

  /** The breaker's telemetry, made on first need; `now` re-reads the global SDK registration at once. */
  private telemetryFor(now: boolean): BreakerTelemetry | undefined {
    if (!telemetryDue(this.telemetryMode, now)) return undefined;
    const o = this._options;
    this._telemetry = activateTelemetry(this, o.telemetry, o.traceCalls);
    this.closedPath = undefined; // calls are reported now: no more fast path
    return this._telemetry;
  }

  /**
   * The admission decision: a permit, or the rejection (already counted and emitted), which is built only
   * when `wantError` or a `reject` listener needs it.
   */
  private decide(
    attributes: Attributes | undefined,
    wantError: boolean,
  ): BreakerPermit | CircuitOpenError | undefined {
    const m = this.m;
    // Closed and disabled admit without asking the machine: the common case pays no call.
    const kind = m.s.kind;
    const admission = kind === 'closed' || kind === 'disabled' ? ADMITTED : m.admit();
    if (admission >= 0) {
      const rejection = REJECTIONS[m.rejection] as (typeof REJECTIONS)[number];
      return this.reject(rejection.state, rejection.kind, admission, attributes, wantError);
    }
    this.inFlight++;
    const tel = this._telemetry ?? this.telemetryFor(false);
    const timed = (this.needs & TIMES_CALLS) !== 0 || tel?.active() === true;
    const permit = new BreakerPermit(
      this as CircuitBreaker<unknown>,
      m.generation,
      timed ? this._now() : Number.NaN,
      m.s.kind,
      admission === TRIAL,
      attributes,
    );
    if (tel !== undefined) tel.admitted(permit);
    return permit;
  }

  private reject(
    state: CircuitState,
    kind: CircuitOpenError['kind'],
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
    const now =
      (this.needs & STAMPS_OUTCOMES) !== 0 || !Number.isNaN(permit.startedAt) ? this._now() : Number.NaN;
    const durationMs = now - permit.startedAt;
    if (outcome === SUCCESS) this.counts.success++;
    else if (outcome === FAILURE) this.counts.failure++;
    else this.counts.ignored++;
    const emitter = this.emitter;
    // A stateChange-only listener (fleet coordination) costs the settle path one field read.
    if (emitter?.outcomes === true) this.emitOutcome(emitter, permit, outcome, error, durationMs);
    this._telemetry?.settled(permit, outcome, error, durationMs);
    const m = this.m;
    if (permit.generation !== m.generation) return; // stale: counted above, decides nothing

    const kind = m.s.kind;
    if (kind === 'closed' || kind === 'disabled') {
      if (outcome === IGNORED) return;
      // Disabled is metrics-only: the rules keep their numbers current but open nothing.
      const trip = this.judge(outcome === FAILURE, durationMs, now, kind === 'closed');
      if (trip !== undefined) m.open(this._options.resetTimeout, trip.reason, permit, trip.numbers);
    } else if (kind === 'half_open') {
      const slow = this.rates?.isSlow(durationMs) === true;
      if (m.trialSettled(outcome === FAILURE, outcome === SUCCESS, slow, permit)) this.trialVerdict(permit);
    }
  }

  /**
   * Every trial succeeded: the circuit closes unless the slow-call rule, applied to the trials, says the
   * dependency is still too slow (then it re-opens, reason `slow_call_rate`).
   */
  private trialVerdict(permit: BreakerPermit): void {
    const m = this.m;
    const tooSlow = this.rates?.slowCalls(m.slowTrials, this._options.halfOpenMaxCalls);
    if (tooSlow !== undefined) m.open(this._options.resetTimeout, tooSlow.reason, permit, tooSlow.numbers);
    else m.transition(CLOSED, 'trial_succeeded', permit, undefined);
  }

  /**
   * Feeds a counted outcome of a closed (or disabled) circuit to the rules: consecutive failures first,
   * then the rates. The decision to open, when one says so and `decides`.
   */
  private judge(
    failed: boolean,
    durationMs: number,
    now: number,
    decides: boolean,
  ): TripDecision | undefined {
    let trip: TripDecision | undefined;
    if (failed) trip = this.consecutive.failure();
    else this.consecutive.success();
    const byRate = this.rates?.record(failed, durationMs, now, decides);
    return decides ? (trip ?? byRate) : undefined;
  }

  /** Clears what decides (the consecutive count, the window), as closing the circuit does. */
  private clearRules(): void {
    this.consecutive.reset();
    this.rates?.window.reset();
  }

  /** @internal Hears every state change of the machine: counts it, clears the rules on close, reports it. */
  _stateChanged(c: StateChange): void {
    this.closedPath = undefined; // the fast path belongs to one closed generation
    this.counts.stateChanges++;
    if (c.to === 'closed') {
      this.clearRules();
    }
    const spanContext = (this._telemetry ?? this.telemetryFor(true))?.transition(
      c.from,
      c.to,
      c.reason,
      c.cause,
      c.numbers,
      c.remote,
    );
    const { from, to, reason } = c;
    this.emitter?.emit(
      'stateChange',
      spanContext === undefined ? { from, to, reason } : { from, to, reason, spanContext },
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
   * The fast closed path for this `execute()` call (no caller signal), or `undefined` when it needs a
   * permit. A path exists only while the circuit is closed, no option needs a permit and there is no
   * telemetry: every state change and the telemetry's activation drop it. So the common call checks one
   * field and a countdown; every {@link FAST_PATH_SDK_CHECK_EVERY} calls (and on a generation's first
   * call) it makes the full check, which is the fast path's one look at the SDK registration.
   */
  private fastPath(): ClosedPath | undefined {
    const path = this.closedPath;
    if (path !== undefined && --this.untilSdkCheck > 0) return path;
    if (this.m.s.kind !== 'closed' || (this.needs & PLAIN_CALLS) === 0 || this._telemetry !== undefined) {
      return undefined;
    }
    this.untilSdkCheck = FAST_PATH_SDK_CHECK_EVERY;
    if (this.telemetryFor(true) !== undefined) return undefined;
    return path ?? this.closedPathNow();
  }

  /**
   * The common closed call: what `decide()` and `execute()` do for it, less the per-call permit and
   * closures. The outcome is booked by the generation's shared handlers exactly as `_settle` books a
   * permit's (a promise settles once, so they run once per call); after a state change they are stale.
   */
  private executeClosed<T>(
    path: ClosedPath,
    fn: (signal: AbortSignal | undefined) => T | PromiseLike<T>,
  ): Promise<T> {
    this.inFlight++;
    let pending: T | PromiseLike<T>;
    try {
      pending = fn(undefined);
    } catch (error) {
      pending = Promise.reject(error);
    }
    const result = asPromise(pending);
    result.then(path.onValue, path.onError);
    return result;
  }

  /** A new {@link ClosedPath} for the current generation (made on its first fast closed call). */
  private closedPathNow(): ClosedPath {
    const permit = new BreakerPermit(
      this as CircuitBreaker<unknown>,
      this.m.generation,
      Number.NaN,
      'closed',
      false,
      undefined,
    );
    const onValue = (value: unknown) => {
      const outcome = resultOutcome(this._options, this.hooks, value);
      this.book(permit, outcome, outcome === FAILURE ? value : undefined);
    };
    this.closedPath = {
      permit,
      // Without a window or a result judge (fixed at construction), a success that no one listens to is
      // what `book` would do then, in three steps. The path is dropped when telemetry activates; a call
      // admitted before is not reported by it anyway (it has no telemetry context), so only the listener
      // is looked at per call. The handlers are made once per generation, not per call.
      onValue:
        this.rates === undefined && this._options.isResultFailure === undefined
          ? (value) => {
              if (this.emitter !== undefined) return onValue(value);
              this.inFlight--;
              this.counts.success++;
              if (permit.generation === this.m.generation) this.consecutive.success();
            }
          : onValue,
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
    const now = this._now();
    const m = this.m;
    m.s = restoredState(snapshot, now, this._options.resetTimeout, () => m.trialPhase());
    this.consecutive.count = snapshot.consecutiveFailures;
    if (snapshot.window !== undefined) this.rates?.window.restore(snapshot.window, now);
    this.counts.restore(snapshot.counts);
  }
}
