import type {
  BreakerOptionsForClient,
  HttpClientOptions,
  ResolvedHttpClientOptions,
} from '@tripswitch/core/http';
import { CLIENT_DEFAULTS, refusedClientOptions, resolveHttpClientOptions } from '@tripswitch/core/http';

declare global {
  interface RequestInit {
    /**
     * `false` sends this request without a breaker (`@tripswitch/fetch`): it is never rejected and its
     * outcome is not counted (health checks, or the one request that must go out while the circuit is open).
     * @defaultValue true
     */
    breaker?: boolean;
  }
}

/**
 * A request as `withBreaker`'s hooks see it: the URL and method it was resolved to, and fetch's own
 * arguments as the caller gave them. No `Request` is built for it, so bodies are never touched.
 */
export interface FetchRequest {
  /** The absolute URL the request goes to. */
  readonly url: URL;
  /** The method, in upper case. */
  readonly method: string;
  /** fetch's first argument, as given. */
  readonly input: string | URL | Request;
  /** fetch's second argument, as given. */
  readonly init: RequestInit | undefined;
}

/**
 * The core breaker options `withBreaker` passes to each breaker it creates. Left out: `name` (set per
 * upstream by `key`), `isFailure` and `fallback` (replaced by the fetch-aware versions below), `timeout`
 * (give the request `signal: AbortSignal.timeout(ms)`: a timed-out request counts as a failure),
 * `isResultFailure` (use `isFailure`, which sees responses) and `initialState` (restore one breaker with
 * `registry.get(name, { initialState })` before the first request).
 */
export type BreakerOptionsForFetch = BreakerOptionsForClient;

/** Options of `withBreaker`: every core breaker option it can apply, plus the fetch-specific ones. */
export interface FetchBreakerOptions extends HttpClientOptions<FetchRequest, Response> {
  /**
   * Names the breaker a request goes through; requests with the same key share one breaker. A key that
   * throws or is not a non-empty string rejects the request (nothing is sent).
   * @defaultValue the origin of the request's URL, `scheme://host:port` with the default port filled in
   * @example
   * ```ts
   * // One breaker per method and path instead of per origin:
   * withBreaker(fetch, { key: (request) => `${request.method} ${request.url.pathname}` });
   * ```
   */
  readonly key?: (request: FetchRequest) => string;
  /**
   * Decides whether an answer counts as a failure: it receives the `Response` when fetch resolved (its
   * body unread), or the error when it rejected. The caller's own aborts and requests that were never
   * sent are ignored before it is asked. A hook that throws counts a failure and is reported through
   * `onListenerError`.
   * @defaultValue {@link defaultIsFailure}: network errors, timeouts, HTTP 5xx and 429
   */
  readonly isFailure?: (errorOrResponse: unknown) => boolean;
  /**
   * Resolves the request with the `Response` it returns when the breaker rejects it (the error is the
   * `CircuitOpenError`) or counts it as a failure (the error is the failing `Response` or the network
   * error). The failure is still recorded; a fallback that throws rejects the request with its error. A
   * failing response the fallback replaces has its body cancelled, so its connection is freed.
   * @defaultValue none: rejections reject and failing responses resolve as they are
   */
  readonly fallback?: (error: unknown, request: FetchRequest) => Response | PromiseLike<Response>;
  /**
   * When a failing 429 or 503 carries `Retry-After` (delay-seconds or an HTTP date), keep the circuit
   * open for at least that long (at most `maxRetryAfter`) through `breaker.openFor(ms, { reason:
   * 'retry_after' })`, never shortening a longer open period.
   * @defaultValue true
   */
  readonly respectRetryAfter?: boolean;
}

/** @internal options after validation, with defaults applied. */
export type ResolvedFetchOptions = ResolvedHttpClientOptions<FetchRequest, Response>;

/** The defaults of the fetch-specific options (those of every client adapter). */
export const FETCH_DEFAULTS = CLIENT_DEFAULTS;

/** @internal Core options the adapters of this package do not apply, with what to use instead. */
export const NOT_FOR_FETCH = refusedClientOptions(
  'give the request `signal: AbortSignal.timeout(ms)`: a timed-out request counts as a failure',
);

/**
 * @internal Validates `withBreaker` options and applies defaults, at once, although breakers are only
 * created on the first request to each upstream.
 * @throws TypeError or RangeError naming the option and the bad value.
 */
export function resolveFetchOptions(options: FetchBreakerOptions | undefined): ResolvedFetchOptions {
  return resolveHttpClientOptions(options, { name: 'withBreaker', refused: NOT_FOR_FETCH });
}
