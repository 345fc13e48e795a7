import type {
  BreakerOptionsForClient,
  HttpClientOptions,
  ResolvedHttpClientOptions,
} from '@tripswitch/core/http';
import { CLIENT_DEFAULTS, refusedClientOptions, resolveHttpClientOptions } from '@tripswitch/core/http';
import type { InternalAxiosRequestConfig } from 'axios';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * `false` sends this request without a breaker: it is never rejected and its outcome is not
     * counted (health checks, or the one request that must go out even while the circuit is open).
     * @defaultValue true
     */
    breaker?: boolean;
  }
}

/**
 * What a {@link AxiosBreakerOptions.fallback} returns: the request resolves with an Axios response built
 * from it (`status` 200, `statusText` `'OK'` and empty `headers` unless given), and response
 * interceptors see it like any other response.
 */
export interface FallbackResponse<T = unknown> {
  /** Becomes `response.data`. */
  readonly data: T;
  /** @defaultValue 200 */
  readonly status?: number;
  /** @defaultValue 'OK' */
  readonly statusText?: string;
  /** @defaultValue `{}` */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The core breaker options `withBreaker` passes to each breaker it creates. Left out: `name` (set per
 * upstream by `key`), `isFailure` and `fallback` (replaced by the Axios-aware versions below), `timeout`
 * (use Axios's own `timeout`: a timed-out request counts as a failure), `isResultFailure` (use
 * `isFailure`, which also sees responses) and `initialState` (one snapshot cannot restore many breakers;
 * restore one with `registry.get(name, { initialState })` before the first request).
 */
export type BreakerOptionsForAxios = BreakerOptionsForClient;

/** Options of `withBreaker`: every core breaker option it can apply, plus the Axios-specific ones. */
export interface AxiosBreakerOptions extends HttpClientOptions<InternalAxiosRequestConfig, FallbackResponse> {
  /**
   * Names the breaker a request goes through; requests with the same key share one breaker. A key that
   * throws or is not a non-empty string rejects the request (nothing is sent).
   * @defaultValue the origin of the request's URL (`baseURL` + `url`), `scheme://host:port` with the
   * default port filled in, so each upstream gets its own breaker
   * @example
   * ```ts
   * // One breaker per method and route template instead of per origin:
   * withBreaker(http, { key: (config) => `${config.method} ${config.url?.replace(/\/\d+/g, '/:id')}` });
   * ```
   */
  readonly key?: (config: InternalAxiosRequestConfig) => string;
  /**
   * Decides whether an answer counts as a failure: it receives the `AxiosResponse` when Axios resolved,
   * or the error when it rejected. Cancelled requests and requests that were never sent (invalid
   * options) are ignored before it is asked. A hook that throws counts the call as a failure and is
   * reported through `onListenerError`.
   * @defaultValue {@link defaultIsFailure}: network errors, HTTP 5xx and 429
   */
  readonly isFailure?: (errorOrResponse: unknown) => boolean;
  /**
   * Resolves the request instead of rejecting it when the breaker rejects it (the error is the
   * `CircuitOpenError`) or when it counts the call as a failure. Ignored calls and non-failures reject as
   * usual. The failure is still recorded; a fallback that throws rejects the request with its error.
   * @defaultValue none: the request rejects
   */
  readonly fallback?: (
    error: unknown,
    config: InternalAxiosRequestConfig,
  ) => FallbackResponse | PromiseLike<FallbackResponse>;
  /**
   * When a failing 429 or 503 carries `Retry-After` (delay-seconds or an HTTP date), keep the circuit
   * open for at least that long (at most `maxRetryAfter`) through `breaker.openFor(ms, { reason:
   * 'retry_after' })`: it opens a closed circuit and lengthens an open period that is shorter, never
   * shortening one.
   * @defaultValue true
   */
  readonly respectRetryAfter?: boolean;
}

/** @internal options after validation, with defaults applied. */
export type ResolvedAxiosOptions = ResolvedHttpClientOptions<InternalAxiosRequestConfig, FallbackResponse>;

/** The defaults of the Axios-specific options (those of every client adapter). */
export const AXIOS_DEFAULTS = CLIENT_DEFAULTS;

const NOT_FOR_AXIOS = refusedClientOptions(
  "use Axios's own `timeout` option: a timed-out request counts as a failure",
);

/**
 * @internal Validates `withBreaker` options and applies defaults. The core options are checked here, at
 * install time, although breakers are only created on the first request to each upstream.
 * @throws TypeError or RangeError naming the option and the bad value.
 */
export function resolveAxiosOptions(options: AxiosBreakerOptions | undefined): ResolvedAxiosOptions {
  return resolveHttpClientOptions(options, { name: 'withBreaker', refused: NOT_FOR_AXIOS });
}
