import { type ClientAnswers, type ClientOutcome, isFailureStatus } from '@tripswitch/core/http';
import type { InternalAxiosRequestConfig } from 'axios';

/** How a finished request counts for its breaker. */
export type Outcome = ClientOutcome;

/**
 * Error codes of requests that were never sent as asked: invalid options, a bad URL or header, a body
 * over `maxBodyLength`. They say nothing about the upstream, so they are ignored. (`ERR_BAD_REQUEST`
 * only counts here without a response: with one, it is Axios's error for a 4xx.)
 */
const NOT_SENT_CODES: ReadonlySet<string> = new Set([
  // Axios
  'ERR_BAD_OPTION',
  'ERR_BAD_OPTION_VALUE',
  'ERR_BAD_REQUEST',
  'ERR_DEPRECATED',
  'ERR_FORM_DATA_DEPTH_EXCEEDED',
  'ERR_INVALID_URL',
  'ERR_NOT_SUPPORT',
  // follow-redirects, which Axios uses in Node
  'ERR_FR_MAX_BODY_LENGTH_EXCEEDED',
  // Node's validation of a request before it is written
  'ERR_HTTP_INVALID_HEADER_VALUE',
  'ERR_INVALID_ARG_TYPE',
  'ERR_INVALID_ARG_VALUE',
  'ERR_INVALID_CHAR',
  'ERR_INVALID_HTTP_TOKEN',
  'ERR_INVALID_PROTOCOL',
  'ERR_UNESCAPED_CHARACTERS',
]);

interface ResponseLike {
  readonly status: number;
  readonly headers?: unknown;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function isError(value: unknown): boolean {
  return value instanceof Error || (isObject(value) && value.isAxiosError === true);
}

/** The response in `errorOrResponse`: itself when it is one, else the error's `response`. */
function responseOf(errorOrResponse: unknown): ResponseLike | undefined {
  if (!isObject(errorOrResponse)) return undefined;
  const candidate = isError(errorOrResponse) ? errorOrResponse.response : errorOrResponse;
  return isObject(candidate) && typeof candidate.status === 'number'
    ? (candidate as unknown as ResponseLike)
    : undefined;
}

/**
 * The HTTP status of a response, or of the response an Axios error carries; `undefined` when there is
 * none (a network error, a cancellation).
 * @example
 * ```ts
 * statusOf(await http.get('/health', { validateStatus: null })); // 200, 503, ...
 * ```
 */
export function statusOf(errorOrResponse: unknown): number | undefined {
  return responseOf(errorOrResponse)?.status;
}

/**
 * The default `isFailure`: a response (or an error carrying one) fails when its status is 5xx or 429;
 * any other status means the upstream is alive, so a 404 is a success. An error without a response fails:
 * the request did not get an answer (`ECONNREFUSED`, `ECONNRESET`, `ENOTFOUND`, `ETIMEDOUT`, an Axios
 * `timeout` as `ECONNABORTED`, a TLS error). Cancellations and requests that were never sent are
 * ignored before `isFailure` is asked, so it does not see them.
 *
 * @example
 * ```ts
 * // Also count 408 Request Timeout as a failure:
 * withBreaker(http, { isFailure: (r) => defaultIsFailure(r) || statusOf(r) === 408 });
 * ```
 */
export function defaultIsFailure(errorOrResponse: unknown): boolean {
  const status = statusOf(errorOrResponse);
  if (status !== undefined) return isFailureStatus(status);
  return isError(errorOrResponse) || !isObject(errorOrResponse);
}

/**
 * @internal True when a request ended because its caller cancelled it: a `CanceledError` (from a
 * `signal` or a legacy `cancelToken`), or any error once the request's signal has aborted.
 */
export function isCancellation(error: unknown, config: InternalAxiosRequestConfig): boolean {
  if (isObject(error) && (error.__CANCEL__ === true || error.code === 'ERR_CANCELED')) return true;
  const signal = config.signal as { aborted?: unknown } | undefined;
  return signal?.aborted === true;
}

/** @internal True when the error says the request was never sent as asked (see NOT_SENT_CODES). */
export function isNotSent(error: unknown): boolean {
  if (!isObject(error) || typeof error.code !== 'string' || !NOT_SENT_CODES.has(error.code)) return false;
  return responseOf(error) === undefined;
}

/** Reads a header from Axios headers (an `AxiosHeaders` or, before Axios normalises them, a plain object). */
function header(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  const value = typeof headers.get === 'function' ? (headers.get as (n: string) => unknown)(name) : undefined;
  const raw = value ?? headers[name] ?? headers[name.toLowerCase()];
  if (Array.isArray(raw)) return typeof raw[0] === 'string' ? raw[0] : undefined;
  return typeof raw === 'string' ? raw : undefined;
}

/** @internal How the client guard of `@tripswitch/core/http` reads Axios responses and errors. */
export const axiosAnswers: ClientAnswers = {
  statusOf,
  headerOf: (errorOrResponse, name) => header(responseOf(errorOrResponse)?.headers, name),
  failureOf: (errorOrResponse) => statusOf(errorOrResponse) ?? errorOrResponse,
  defaultIsFailure,
};
