import { type ClientAnswers, isFailureStatus } from '@tripswitch/core/http';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/**
 * True for a fetch `Response` from any implementation (the global one, undici's, a test double's):
 * checked by shape, since each has its own class.
 */
export function isResponseLike(value: unknown): value is Response {
  return (
    isObject(value) &&
    typeof value.status === 'number' &&
    isObject(value.headers) &&
    typeof (value.headers as { get?: unknown }).get === 'function'
  );
}

/**
 * The HTTP status of an answer: a `Response`, or an undici interceptor's `{ status, headers }`;
 * `undefined` for an error.
 * @example
 * ```ts
 * statusOf(await fetch('https://api.example.com/health')); // 200, 503, ...
 * ```
 */
export function statusOf(errorOrResponse: unknown): number | undefined {
  if (!isObject(errorOrResponse) || errorOrResponse instanceof Error) return undefined;
  return typeof errorOrResponse.status === 'number' ? errorOrResponse.status : undefined;
}

/**
 * The default `isFailure`: a response fails when its status is 5xx or 429 (any other status means the
 * upstream answered, so a 404 is a success); an error fails: the request got no answer (refused, reset,
 * DNS, TLS, a timeout). The caller's own aborts and requests that were never sent are ignored before
 * `isFailure` is asked, so it does not see them.
 * @example
 * ```ts
 * // Also count 408 Request Timeout as a failure:
 * withBreaker(fetch, { isFailure: (r) => defaultIsFailure(r) || statusOf(r) === 408 });
 * ```
 */
export function defaultIsFailure(errorOrResponse: unknown): boolean {
  const status = statusOf(errorOrResponse);
  return status === undefined || isFailureStatus(status);
}

/**
 * The error behind a failed request: fetch rejects every network error as `TypeError('fetch failed')`
 * with the real one (`ECONNREFUSED`, `UND_ERR_SOCKET`, a TLS error) as its `cause`.
 * @example
 * ```ts
 * const error = await fetch('http://127.0.0.1:1').catch((e) => e);
 * networkErrorOf(error); // the ECONNREFUSED error, not the TypeError
 * ```
 */
export function networkErrorOf(error: unknown): unknown {
  if (error instanceof TypeError && error.cause !== undefined) return error.cause;
  return error;
}

/** @internal True for a timeout: `AbortSignal.timeout()`'s `TimeoutError` (a DOMException). */
export function isTimeout(reason: unknown): boolean {
  return isObject(reason) && reason.name === 'TimeoutError';
}

/**
 * @internal True when a request ended because its caller aborted it: its signal aborted, and not by
 * `AbortSignal.timeout()` (a timeout is the upstream being slow: a failure).
 */
export function isCallerAbort(signal: AbortSignal | null | undefined): boolean {
  return signal?.aborted === true && !isTimeout(signal.reason);
}

/**
 * @internal True when fetch refused the request before sending it: a `TypeError` without a `cause`
 * (a bad header, a body fetch cannot send, a method it does not allow). Network errors have one.
 */
export function isNotSent(error: unknown): boolean {
  return error instanceof TypeError && error.cause === undefined;
}

function header(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  if (typeof headers.get === 'function') {
    const value: unknown = (headers.get as (n: string) => unknown)(name);
    return typeof value === 'string' ? value : undefined;
  }
  const raw = headers[name];
  if (Array.isArray(raw)) return typeof raw[0] === 'string' ? raw[0] : undefined;
  return typeof raw === 'string' ? raw : undefined;
}

/** @internal How the client guard of `@tripswitch/core/http` reads fetch and undici answers. */
export const fetchAnswers: ClientAnswers = {
  statusOf,
  headerOf: (errorOrResponse, name) =>
    statusOf(errorOrResponse) === undefined
      ? undefined
      : header((errorOrResponse as { headers?: unknown }).headers, name),
  failureOf: (errorOrResponse) => statusOf(errorOrResponse) ?? networkErrorOf(errorOrResponse),
  defaultIsFailure,
};
