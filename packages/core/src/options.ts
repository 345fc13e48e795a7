import type { MeterProvider, TracerProvider } from '@opentelemetry/api';
import * as check from './check.js';
import { type Clock, systemClock } from './clock.js';
import type { ListenerErrorSource } from './events.js';
import { type BreakerSnapshot, checkSnapshot } from './snapshot.js';

/** The last `size` calls decide. */
export interface CountWindow {
  readonly type: 'count';
  /** How many of the most recent calls the rates are computed over (an integer from 1 to 10,000,000). */
  readonly size: number;
}

/** The calls of the last `duration` ms decide, kept in `buckets` slices that expire one at a time. */
export interface TimeWindow {
  readonly type: 'time';
  /** Window length in ms. */
  readonly duration: number;
  /** How many slices the window is kept in (1 to 1,000); more is finer but larger. @defaultValue 10 */
  readonly buckets?: number;
}

/** A rate rule's window. */
export type WindowOptions = CountWindow | TimeWindow;

/**
 * Which rejections get a `circuit_breaker.reject` span: `'first'` the first rejection of each open (or
 * half_open) period plus every rejection inside a sampled trace; `'all'` every rejection; `'none'` none.
 * Rejections are always counted in `tripswitch.breaker.calls`.
 *
 * @example
 * ```ts
 * const registry = new BreakerRegistry({ telemetry: { rejectionSpans: 'all' } });
 * ```
 */
export type RejectionSpans = 'first' | 'all' | 'none';

/** Telemetry settings of a breaker or a registry. */
export interface TelemetryOptions {
  /** `false` turns spans and metrics off. @defaultValue true */
  readonly enabled?: boolean;
  /** Where spans go; the global provider (looked up lazily, on each use) when omitted. */
  readonly tracerProvider?: TracerProvider;
  /** Where metrics go; the global provider (looked up lazily, on each use) when omitted. */
  readonly meterProvider?: MeterProvider;
  /**
   * Which rejections get a reject span (see {@link RejectionSpans}): under a flood of rejections outside
   * any trace, one span per open period says as much as thousands.
   * @defaultValue 'first'
   */
  readonly rejectionSpans?: RejectionSpans;
}

/** An error class, for {@link CircuitBreakerOptions.ignore}. */
// biome-ignore lint/suspicious/noExplicitAny: constructors of any signature are accepted
export type ErrorClass = abstract new (...args: any[]) => unknown;

/** Options of {@link CircuitBreaker}; every one is optional. */
export interface CircuitBreakerOptions<TFallback = never> {
  /** Identifies the breaker in the registry, errors, logs and telemetry. Keep it low-cardinality. @defaultValue 'default' */
  readonly name?: string;
  /**
   * Consecutive failures that open the circuit; a success resets the count. When `window` is given this
   * rule applies only if `failureThreshold` is given too.
   * @defaultValue 5
   */
  readonly failureThreshold?: number;
  /** Ms the circuit stays open before it admits trial calls. @defaultValue 60000 */
  readonly resetTimeout?: number;
  /**
   * Trial calls admitted in half_open. The circuit closes once that many trials succeed; any trial failure
   * re-opens it for a fresh `resetTimeout`.
   * @defaultValue 1
   */
  readonly halfOpenMaxCalls?: number;
  /**
   * Ms a half_open circuit waits for its trials' verdict. A call that arrives when every trial slot is
   * taken and the circuit half-opened at least this long ago re-opens it (reason `trial_timeout`) for a
   * fresh `resetTimeout`: the trials still in flight become stale, so a trial that never settles (no
   * `timeout`, a permit nobody settles) cannot hold the circuit half_open forever.
   * @defaultValue `resetTimeout`
   */
  readonly halfOpenTimeout?: number;
  /** A rate rule: the circuit opens when a rate over this window reaches its threshold. */
  readonly window?: WindowOptions;
  /** Failure-rate threshold in percent (0–100), with `window`. @defaultValue 50 */
  readonly failureRateThreshold?: number;
  /** Calls the window must hold before its rates count, with `window`. @defaultValue 10 (capped at a count window's size) */
  readonly minimumCalls?: number;
  /** A call that takes this many ms or more is slow, with `window`. */
  readonly slowCallDuration?: number;
  /** Slow-call rate threshold in percent (0–100), with `slowCallDuration`. @defaultValue 100 */
  readonly slowCallRateThreshold?: number;
  /**
   * Ms a call may take. The function receives an `AbortSignal` that aborts at the deadline, and the call
   * rejects with {@link CallTimeoutError}, counted as a failure whatever `isFailure` and `ignore` say
   * (unless the caller's own signal aborted first: then it is ignored). No timeout when omitted.
   */
  readonly timeout?: number;
  /**
   * Decides whether a thrown error counts as a failure; `false` counts it as a success. Not asked about
   * the breaker's own `timeout`, which is always a failure.
   * @defaultValue every error is a failure
   */
  readonly isFailure?: (error: unknown) => boolean;
  /** Errors that count as neither success nor failure: a list of classes, or a predicate. @defaultValue [] */
  readonly ignore?: readonly ErrorClass[] | ((error: unknown) => boolean);
  /** Judges a returned value: `true` records the call as a failure (the value is still returned). */
  readonly isResultFailure?: (result: unknown) => boolean;
  /**
   * Called when a call is rejected, fails or times out; its value (or promise) is returned instead of the
   * error. The failure is still recorded. Errors that are ignored or not failures are re-thrown as they are.
   */
  readonly fallback?: (error: unknown) => TFallback | PromiseLike<TFallback>;
  /**
   * The time source. A `now()` that throws or returns a non-finite value never loses a call: it is
   * reported to `onListenerError` (source `'clock'`) and the last good reading is used.
   * @defaultValue a monotonic clock over `performance.now()`
   */
  readonly clock?: Clock;
  /** A value from {@link CircuitBreaker.toJSON}, to restore a breaker after a restart. */
  readonly initialState?: BreakerSnapshot;
  /**
   * Receives errors thrown by event listeners, the `clock`, and the `isFailure`, `ignore` and `isResultFailure` hooks
   * (a hook that throws is treated as if it were absent: a thrown error counts as a failure, a returned
   * value as a success).
   * @defaultValue `console.error`, once per breaker
   */
  readonly onListenerError?: (error: unknown, source: ListenerErrorSource) => void;
  /** Capture a stack trace on each {@link CircuitOpenError}; off because rejections come in floods. @defaultValue false */
  readonly rejectionStackTraces?: boolean;
  /** Telemetry settings; a registry passes its own to the breakers it creates. */
  readonly telemetry?: TelemetryOptions;
  /** Emit a `circuit_breaker.call` span per admitted call. @defaultValue false */
  readonly traceCalls?: boolean;
}

/** @internal options after validation, with defaults applied. */
export interface ResolvedOptions {
  readonly name: string;
  readonly failureThreshold: number | undefined;
  readonly resetTimeout: number;
  readonly halfOpenMaxCalls: number;
  readonly halfOpenTimeout: number;
  readonly window: Required<CountWindow> | Required<TimeWindow> | undefined;
  readonly failureRateThreshold: number;
  readonly minimumCalls: number;
  readonly slowCallDuration: number | undefined;
  readonly slowCallRateThreshold: number;
  readonly timeout: number | undefined;
  readonly isFailure: ((error: unknown) => boolean) | undefined;
  readonly ignore: ((error: unknown) => boolean) | undefined;
  readonly isResultFailure: ((result: unknown) => boolean) | undefined;
  readonly fallback: ((error: unknown) => unknown) | undefined;
  readonly clock: Clock;
  readonly onListenerError: ((error: unknown, source: ListenerErrorSource) => void) | undefined;
  readonly rejectionStackTraces: boolean;
  readonly telemetry: TelemetryOptions;
  readonly traceCalls: boolean;
  readonly initialState: BreakerSnapshot | undefined;
}

/** The defaults, in one place. */
export const DEFAULTS = Object.freeze({
  name: 'default',
  failureThreshold: 5,
  resetTimeout: 60_000,
  halfOpenMaxCalls: 1,
  failureRateThreshold: 50,
  minimumCalls: 10,
  slowCallRateThreshold: 100,
  timeBuckets: 10,
});

/**
 * The largest windows: a window's memory is allocated per breaker up front (one byte per call of a count
 * window, 24 bytes per bucket of a time window). 10M calls is 10 MB, past any useful window (the bench
 * measures 1M), while a typo such as 2^31 - 1 would allocate 2 GB per breaker.
 */
const WINDOW_LIMITS = Object.freeze({ size: 10_000_000, buckets: 1000 });

const KNOWN_OPTIONS: ReadonlySet<string> = new Set([
  'name',
  'failureThreshold',
  'resetTimeout',
  'halfOpenMaxCalls',
  'halfOpenTimeout',
  'window',
  'failureRateThreshold',
  'minimumCalls',
  'slowCallDuration',
  'slowCallRateThreshold',
  'timeout',
  'isFailure',
  'ignore',
  'isResultFailure',
  'fallback',
  'clock',
  'initialState',
  'onListenerError',
  'rejectionStackTraces',
  'telemetry',
  'traceCalls',
]);

function checkWindow(value: unknown): ResolvedOptions['window'] {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(
      `window must be { type: 'count', size } or { type: 'time', duration, buckets? }, got ${check.show(value)}`,
    );
  }
  const w = value as Record<string, unknown>;
  if (w.type === 'count') {
    return { type: 'count', size: check.checkCount('window.size', w.size, { max: WINDOW_LIMITS.size }) };
  }
  if (w.type === 'time') {
    const duration = check.checkDuration('window.duration', w.duration, true);
    const buckets = check.checkCount('window.buckets', w.buckets ?? DEFAULTS.timeBuckets, {
      max: WINDOW_LIMITS.buckets,
    });
    return { type: 'time', duration, buckets };
  }
  throw new TypeError(`window.type must be 'count' or 'time', got ${check.show(w.type)}`);
}

function checkIgnore(value: CircuitBreakerOptions['ignore']): ResolvedOptions['ignore'] {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as (error: unknown) => boolean;
  if (!Array.isArray(value)) {
    throw new TypeError(`ignore must be an array of error classes or a predicate, got ${check.show(value)}`);
  }
  if (value.length === 0) return undefined;
  value.forEach((cls, i) => {
    if (typeof cls !== 'function')
      throw new TypeError(`ignore[${i}] must be an error class, got ${check.show(cls)}`);
  });
  const classes = [...value];
  return (error) => classes.some((cls) => error instanceof cls);
}

const REJECTION_SPANS: readonly unknown[] = ['first', 'all', 'none'];

/** @internal checks a `telemetry` option (of a breaker or a registry); `undefined` gives `{}`. */
export function checkTelemetry(value: unknown): TelemetryOptions {
  if (value === undefined) return {};
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(`telemetry must be an object, got ${check.show(value)}`);
  }
  const t = value as TelemetryOptions;
  if (t.enabled !== undefined && typeof t.enabled !== 'boolean') {
    throw new TypeError(`telemetry.enabled must be a boolean, got ${check.show(t.enabled)}`);
  }
  if (t.tracerProvider !== undefined && typeof t.tracerProvider?.getTracer !== 'function') {
    throw new TypeError('telemetry.tracerProvider must be a TracerProvider (with getTracer())');
  }
  if (t.meterProvider !== undefined && typeof t.meterProvider?.getMeter !== 'function') {
    throw new TypeError('telemetry.meterProvider must be a MeterProvider (with getMeter())');
  }
  if (t.rejectionSpans != null && !REJECTION_SPANS.includes(t.rejectionSpans)) {
    throw new TypeError(
      `telemetry.rejectionSpans must be one of 'first', 'all', 'none', got ${check.show(t.rejectionSpans)}`,
    );
  }
  return t;
}

/**
 * @internal Validates options (`initialState` included) and applies defaults. Every problem throws a
 * `TypeError` or `RangeError` naming the option and the bad value.
 */
export function resolveOptions(given: CircuitBreakerOptions<unknown> = {}): ResolvedOptions {
  if (typeof given !== 'object' || given === null) {
    throw new TypeError(`options must be an object, got ${check.show(given)}`);
  }
  // One rule for every option: `null` means "not given", as `undefined` does (what `??` does anyway).
  return resolveKnown(
    check.checkOptions('breaker options', given, KNOWN_OPTIONS) as CircuitBreakerOptions<unknown>,
  );
}

/**
 * Checks breaker options exactly as the {@link CircuitBreaker} constructor does, without creating a
 * breaker. Adapters that create their breakers lazily (one per route, on the first request) call it in
 * their factory, so a bad option fails at startup instead of on the first request.
 *
 * @throws TypeError or RangeError naming the option and the bad value.
 * @example
 * ```ts
 * validateBreakerOptions({ failureThreshold: 3 }); // fine
 * validateBreakerOptions({ failureThreshold: 0 }); // RangeError: failureThreshold must be an integer >= 1, got 0
 * ```
 */
export function validateBreakerOptions(options: CircuitBreakerOptions<unknown>): void {
  resolveOptions(options);
}

function resolveKnown(options: CircuitBreakerOptions<unknown>): ResolvedOptions {
  const name = options.name ?? DEFAULTS.name;
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(`name must be a non-empty string, got ${check.show(name)}`);
  }
  const window = checkWindow(options.window);
  const failureThreshold =
    options.failureThreshold !== undefined
      ? check.checkCount('failureThreshold', options.failureThreshold)
      : window
        ? undefined
        : DEFAULTS.failureThreshold;

  const rateOptions = [
    'failureRateThreshold',
    'minimumCalls',
    'slowCallDuration',
    'slowCallRateThreshold',
  ] as const;
  if (!window) {
    for (const key of rateOptions) {
      if (options[key] !== undefined)
        throw new TypeError(`${key} needs a window (got ${key}: ${check.show(options[key])})`);
    }
  }
  let minimumCalls: number = DEFAULTS.minimumCalls;
  if (options.minimumCalls !== undefined) {
    minimumCalls = check.checkCount('minimumCalls', options.minimumCalls);
    if (window?.type === 'count' && minimumCalls > window.size) {
      throw new RangeError(`minimumCalls (${minimumCalls}) cannot exceed window.size (${window.size})`);
    }
  } else if (window?.type === 'count') {
    minimumCalls = Math.min(minimumCalls, window.size);
  }
  const slowCallDuration =
    options.slowCallDuration === undefined
      ? undefined
      : check.checkDuration('slowCallDuration', options.slowCallDuration, true);
  if (options.slowCallRateThreshold !== undefined && slowCallDuration === undefined) {
    throw new TypeError(
      `slowCallRateThreshold needs slowCallDuration (got ${check.show(options.slowCallRateThreshold)})`,
    );
  }
  const clock = options.clock ?? systemClock;
  if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
    throw new TypeError(`clock must be an object with a now() method, got ${check.show(clock)}`);
  }
  const resetTimeout = check.checkDuration('resetTimeout', options.resetTimeout ?? DEFAULTS.resetTimeout);
  return {
    name,
    failureThreshold,
    resetTimeout,
    halfOpenMaxCalls: check.checkCount(
      'halfOpenMaxCalls',
      options.halfOpenMaxCalls ?? DEFAULTS.halfOpenMaxCalls,
    ),
    halfOpenTimeout: check.checkDuration('halfOpenTimeout', options.halfOpenTimeout ?? resetTimeout),
    window,
    failureRateThreshold: check.checkPercent(
      'failureRateThreshold',
      options.failureRateThreshold ?? DEFAULTS.failureRateThreshold,
    ),
    minimumCalls,
    slowCallDuration,
    slowCallRateThreshold: check.checkPercent(
      'slowCallRateThreshold',
      options.slowCallRateThreshold ?? DEFAULTS.slowCallRateThreshold,
    ),
    timeout:
      options.timeout === undefined ? undefined : check.checkTimerDuration('timeout', options.timeout, true),
    isFailure: check.checkHook('isFailure', options.isFailure),
    ignore: checkIgnore(options.ignore),
    isResultFailure: check.checkHook('isResultFailure', options.isResultFailure),
    fallback: check.checkHook('fallback', options.fallback) as ResolvedOptions['fallback'],
    clock,
    onListenerError: check.checkHook('onListenerError', options.onListenerError),
    rejectionStackTraces: check.checkBoolean('rejectionStackTraces', options.rejectionStackTraces, false),
    telemetry: checkTelemetry(options.telemetry),
    traceCalls: check.checkBoolean('traceCalls', options.traceCalls, false),
    initialState: options.initialState === undefined ? undefined : checkSnapshot(options.initialState),
  };
}
