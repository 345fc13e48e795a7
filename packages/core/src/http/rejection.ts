import type { CircuitOpenError } from '../errors.js';

/** The JSON body of an HTTP adapter's default 503 response. */
export interface RejectionBody {
  readonly error: 'circuit_open';
  /** The name of the breaker that rejected the request. */
  readonly breaker: string;
  /** Seconds until the breaker admits trial requests; `null` while forced open (no known end). */
  readonly retryAfter: number | null;
}

/**
 * A `CircuitOpenError` decorated by {@link toHttpError}: `status`, `statusCode` and `headers` are what
 * HTTP frameworks' error handlers read.
 */
export type HttpCircuitOpenError = CircuitOpenError & {
  readonly status: 503;
  readonly statusCode: 503;
  /** As in {@link RejectionBody.retryAfter}. */
  readonly retryAfter: number | null;
  /** `Retry-After`, when the end of the open period is known. */
  readonly headers: Record<string, string>;
};

/**
 * `Retry-After` in whole seconds from a `retryAfterMs`: rounded up and at least 1 (a half_open breaker
 * with every trial slot taken reports 0 ms); `null` when there is no known end (forced open: `Infinity`).
 *
 * @example
 * ```ts
 * retryAfterSeconds(1200); // 2
 * retryAfterSeconds(0); // 1
 * retryAfterSeconds(Infinity); // null
 * ```
 */
export function retryAfterSeconds(retryAfterMs: number): number | null {
  return Number.isFinite(retryAfterMs) ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : null;
}

/**
 * Decorates a rejection, in place, with the HTTP details error handlers look for: `status` and
 * `statusCode` 503, `retryAfter` (as in {@link retryAfterSeconds}) and `headers` (`Retry-After`, left
 * out when there is no known end).
 *
 * @returns The same error object, typed as an {@link HttpCircuitOpenError}.
 * @example
 * ```ts
 * const error = toHttpError(rejection); // error.headers: { 'Retry-After': '27' }
 * ```
 */
export function toHttpError(error: CircuitOpenError): HttpCircuitOpenError {
  const retryAfter = retryAfterSeconds(error.retryAfterMs);
  const headers: Record<string, string> = retryAfter === null ? {} : { 'Retry-After': String(retryAfter) };
  return Object.assign(error, { status: 503 as const, statusCode: 503 as const, retryAfter, headers });
}

/**
 * The body of the default 503 response to a rejected request.
 *
 * @example
 * ```ts
 * rejectionBody(rejection); // { error: 'circuit_open', breaker: 'GET /users/:id', retryAfter: 27 }
 * ```
 */
export function rejectionBody(error: CircuitOpenError): RejectionBody {
  return {
    error: 'circuit_open',
    breaker: error.breakerName,
    retryAfter: retryAfterSeconds(error.retryAfterMs),
  };
}

/** The default 503 answer to a rejected request, ready to send. */
export interface RejectionResponse {
  readonly status: 503;
  /** The `Retry-After` header value, or `undefined` when there is no known end (forced_open). */
  readonly retryAfter: string | undefined;
  /** The JSON-serialised {@link RejectionBody}. */
  readonly body: string;
}

let lastRejection: { name: string; seconds: number | null; response: RejectionResponse } | undefined;

/**
 * The default 503 answer to a rejected request: `Retry-After` and the JSON {@link RejectionBody}. Under
 * overload the same breaker rejects many requests a second with the same `Retry-After`, so the last answer
 * is kept and reused while neither changes.
 *
 * @example
 * ```ts
 * const { status, retryAfter, body } = rejectionResponse(rejection);
 * ```
 */
export function rejectionResponse(error: CircuitOpenError): RejectionResponse {
  const seconds = retryAfterSeconds(error.retryAfterMs);
  const last = lastRejection;
  if (last !== undefined && last.name === error.breakerName && last.seconds === seconds) return last.response;
  const body: RejectionBody = { error: 'circuit_open', breaker: error.breakerName, retryAfter: seconds };
  const response: RejectionResponse = {
    status: 503,
    retryAfter: seconds === null ? undefined : String(seconds),
    body: JSON.stringify(body),
  };
  lastRejection = { name: error.breakerName, seconds, response };
  return response;
}
