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

/** Why an open-circuit rejection happened: the circuit is open, or half_open with every trial slot taken. */
export type RejectionKind = 'circuit_open' | 'half_open_full';

/**
 * Thrown (or passed on) when a breaker rejects a call without running it.
 *
 * Its stack trace is not captured by default: rejections happen in bulk under overload, and capturing a
 * stack is the most expensive part of creating an error. Pass `rejectionStackTraces: true` to a breaker
 * to get them.
 */
export class CircuitOpenError extends CircuitBreakerError {
  /** The name of the breaker that rejected the call. */
  readonly breakerName: string;
  /** The breaker's state at the rejection: `open`, `half_open` or `forced_open`. */
  readonly state: CircuitState;
  /** Milliseconds until trial calls are admitted: `0` while half_open, `Infinity` while forced_open. */
  readonly retryAfterMs: number;
  /** `circuit_open`, or `half_open_full` when a half_open circuit has all its trial slots taken. */
  readonly kind: RejectionKind;

  constructor(breakerName: string, state: CircuitState, retryAfterMs: number, kind: RejectionKind) {
    super(
      'CIRCUIT_OPEN',
      kind === 'half_open_full'
        ? `circuit breaker "${breakerName}" is half-open and its trial calls are all in flight`
        : `circuit breaker "${breakerName}" is ${state === 'forced_open' ? 'forced open' : 'open'}`,
    );
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

function hasCode(error: unknown, code: CircuitBreakerErrorCode): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === code;
}

/**
 * True when `error` is a {@link CircuitOpenError}; it checks `code`, so it also recognises errors from
 * another copy of the package.
 */
export function isCircuitOpenError(error: unknown): error is CircuitOpenError {
  return hasCode(error, 'CIRCUIT_OPEN');
}

/** True when `error` is a {@link CallTimeoutError} (checked by `code`). */
export function isCallTimeoutError(error: unknown): error is CallTimeoutError {
  return hasCode(error, 'CALL_TIMEOUT');
}

/** True when `error` is any tripswitch error (checked by `code`). */
export function isCircuitBreakerError(error: unknown): error is CircuitBreakerError {
  return hasCode(error, 'CIRCUIT_OPEN') || hasCode(error, 'CALL_TIMEOUT');
}

/** @internal builds a rejection, skipping the stack capture unless asked: it dominates the cost. */
export function createCircuitOpenError(
  breakerName: string,
  state: CircuitState,
  retryAfterMs: number,
  kind: RejectionKind,
  withStack: boolean,
): CircuitOpenError {
  if (withStack) return new CircuitOpenError(breakerName, state, retryAfterMs, kind);
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return new CircuitOpenError(breakerName, state, retryAfterMs, kind);
  } finally {
    Error.stackTraceLimit = limit;
  }
}
