/*
 * The error classes as this copy of the package defines them. Everything else uses the ones `errors.ts`
 * exports: those of the first copy of this version loaded in the process, shared by all copies.
 */
import type { CircuitState } from './state.js';

/** The stable `code` values of tripswitch errors. */
export type CircuitBreakerErrorCode = 'CIRCUIT_OPEN' | 'CALL_TIMEOUT';

/** Base class of every error tripswitch creates; `code` is stable across versions. */
export class CircuitBreakerError extends Error {
  /** A stable, machine-readable identifier. */
  readonly code: CircuitBreakerErrorCode;

  constructor(code: CircuitBreakerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'CircuitBreakerError';
    this.code = code;
  }
}

/**
 * Why an open-circuit rejection happened: the circuit is open, half_open with every trial slot taken, or
 * (`trial_elsewhere`) its open period is over but another replica runs the trial calls for the fleet.
 */
export type RejectionKind = 'circuit_open' | 'half_open_full' | 'trial_elsewhere';

/**
 * Thrown (or passed on) when a breaker rejects a call without running it.
 *
 * Breakers build their rejections without running the `Error` constructor, because rejections come in
 * floods exactly when a service is overloaded, and constructing a native error (even without a stack)
 * is most of a rejection's cost. Such a rejection is `instanceof CircuitOpenError` and `instanceof
 * Error`, has `name`, `message` and every field below, and its `stack` is just its first line. Pass
 * `rejectionStackTraces: true` to a breaker to get native errors with captured stack traces instead.
 */
export class CircuitOpenError extends CircuitBreakerError {
  /** The name of the breaker that rejected the call. */
  readonly breakerName: string;
  /** The breaker's state at the rejection: `open`, `half_open` or `forced_open`. */
  readonly state: CircuitState;
  /** Milliseconds until trial calls are admitted: `0` while half_open, `Infinity` while forced_open. */
  readonly retryAfterMs: number;
  /** `circuit_open`; `half_open_full` when a half_open circuit has all its trial slots taken; `trial_elsewhere`. */
  readonly kind: RejectionKind;

  constructor(breakerName: string, state: CircuitState, retryAfterMs: number, kind: RejectionKind) {
    super('CIRCUIT_OPEN', rejectionMessage(breakerName, state, kind));
    this.name = 'CircuitOpenError';
    this.breakerName = breakerName;
    this.state = state;
    this.retryAfterMs = retryAfterMs;
    this.kind = kind;
  }
}

/** Rejects a call that ran past the breaker's `timeout`; counted as a failure. */
export class CallTimeoutError extends CircuitBreakerError {
  /** The timeout that elapsed, in milliseconds. */
  readonly timeoutMs: number;
  /** The name of the breaker whose timeout elapsed. */
  readonly breakerName: string;

  constructor(breakerName: string, timeoutMs: number) {
    super('CALL_TIMEOUT', `call through circuit breaker "${breakerName}" timed out after ${timeoutMs} ms`);
    this.name = 'CallTimeoutError';
    this.breakerName = breakerName;
    this.timeoutMs = timeoutMs;
  }
}

// What a rejection built without the Error constructor answers for `stack`: its first line, as a native
// error with `Error.stackTraceLimit = 0` would. Assigning `stack` stores an own value, as on any error.
Object.defineProperty(CircuitOpenError.prototype, 'stack', {
  configurable: true,
  get(this: CircuitOpenError): string {
    return `${this.name}: ${this.message}`;
  },
  set(this: CircuitOpenError, value: unknown) {
    Object.defineProperty(this, 'stack', { value, writable: true, configurable: true });
  },
});
// `Object.prototype.toString` then says `[object Error]`, which some error handlers check.
Object.defineProperty(CircuitOpenError.prototype, Symbol.toStringTag, { value: 'Error', configurable: true });

/** @internal the message of a rejection. */
export function rejectionMessage(breakerName: string, state: CircuitState, kind: RejectionKind): string {
  if (kind === 'half_open_full') {
    return `circuit breaker "${breakerName}" is half-open and its trial calls are all in flight`;
  }
  if (kind === 'trial_elsewhere') {
    return `circuit breaker "${breakerName}" is open: another replica is running the trial calls`;
  }
  return `circuit breaker "${breakerName}" is ${state === 'forced_open' ? 'forced open' : 'open'}`;
}
