import type { Attributes } from '@opentelemetry/api';
import {
  type CircuitBreaker,
  type CircuitOpenError,
  isCircuitOpenError,
  type Permit,
} from '@tripswitch/core';
import {
  type ClientGuard,
  clientAttributes,
  createClientGuard,
  OriginCache,
  show,
} from '@tripswitch/core/http';
import { fetchAnswers, isCallerAbort, isNotSent } from './classify.js';
import { fallbackResponse } from './fallback-response.js';
import {
  type FetchBreakerOptions,
  type FetchRequest,
  type ResolvedFetchOptions,
  resolveFetchOptions,
} from './options.js';

/** Any function with fetch's shape: the global `fetch`, `undici.fetch`, a test double. */
// biome-ignore lint/suspicious/noExplicitAny: each fetch implementation has its own argument types
export type FetchLike = (input: any, init?: any) => Promise<any>;

/**
 * The rejection of a request the breaker did not let through: core's `CircuitOpenError` (`code`
 * `'CIRCUIT_OPEN'`, `breakerName`, `state`, `retryAfterMs`, `kind`) carrying the {@link FetchRequest}.
 */
export type FetchCircuitOpenError = CircuitOpenError & { readonly request: FetchRequest };

/**
 * True when `error` is the rejection of a request that `withBreaker` did not let through. Like core's
 * `isCircuitOpenError` it checks `code`, so two copies of the package still agree.
 * @example
 * ```ts
 * const answer = await guarded('https://payments.internal/charges').catch((e: unknown) => e);
 * if (isFetchCircuitOpenError(answer)) console.warn(`${answer.request.url.host}: retry in ${answer.retryAfterMs} ms`);
 * ```
 */
export function isFetchCircuitOpenError(error: unknown): error is FetchCircuitOpenError {
  return isCircuitOpenError(error) && typeof (error as { request?: unknown }).request === 'object';
}

interface RequestLike {
  readonly url: string;
  readonly method: string;
  readonly signal: AbortSignal | null;
}

function isRequestLike(input: unknown): input is RequestLike {
  return typeof input === 'object' && input !== null && typeof (input as { url?: unknown }).url === 'string';
}

function urlOf(input: unknown): URL | undefined {
  if (input instanceof URL) return input;
  try {
    return new URL(isRequestLike(input) ? input.url : String(input));
  } catch {
    return undefined;
  }
}

/** One installation: its options, the wrapped fetch, and the guard that names breakers and settles permits. */
interface Installation {
  readonly o: ResolvedFetchOptions;
  readonly send: (input: unknown, init?: RequestInit) => Promise<Response>;
  readonly guard: ClientGuard<FetchRequest>;
  /** True when a hook needs the {@link FetchRequest} of every call (else it is only built on rejection). */
  readonly eager: boolean;
  readonly origins: OriginCache;
}

/**
 * Wraps a fetch function so that every request goes through the breaker of its upstream (by default
 * one per origin, `scheme://host:port`), which rejects it with a `CircuitOpenError` before anything is
 * sent while the upstream is failing, and lets trial requests decide when it has recovered. The permit
 * is settled when the response headers arrive: bodies are never read, buffered or teed.
 *
 * @param fetch - the global `fetch`, `undici.fetch`, or any function with fetch's signature.
 * @param options - core breaker options applied to each breaker it creates, plus {@link FetchBreakerOptions}.
 * @returns a function with the same signature and types as `fetch`.
 * @throws TypeError or RangeError at once for an invalid option (naming it and the value), or a
 * `fetch` that is not a function.
 * @example
 * ```ts
 * import { withBreaker } from '@tripswitch/fetch';
 *
 * const guarded = withBreaker(fetch, { failureThreshold: 5, resetTimeout: 30_000 });
 * const response = await guarded('https://payments.internal/charges', { signal: AbortSignal.timeout(2000) });
 * ```
 */
export function withBreaker<F extends FetchLike = typeof fetch>(fetch: F, options?: FetchBreakerOptions): F {
  if (typeof fetch !== 'function') {
    throw new TypeError(`withBreaker(fetch) needs a fetch function, got ${show(fetch)}`);
  }
  const o = resolveFetchOptions(options);
  const i: Installation = {
    o,
    send: fetch,
    guard: createClientGuard(o, 'withBreaker', 'request', fetchAnswers),
    eager: o.key !== undefined || o.fallback !== undefined,
    origins: new OriginCache(),
  };
  return function fetchWithBreaker(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    try {
      if (init?.breaker === false) return i.send(input, init);
      const signal = init?.signal ?? (isRequestLike(input) ? input.signal : undefined);
      // Aborted already: fetch rejects it at once without sending anything; nothing to admit.
      if (signal?.aborted === true) return i.send(input, init);
      const method = (init?.method ?? (isRequestLike(input) ? input.method : 'GET')).toUpperCase();
      let breaker: CircuitBreaker<never>;
      let attributes: Attributes;
      let request: FetchRequest | undefined;
      // The common case, no key and no fallback: the origin and attributes of a URL string are cached.
      const href = i.eager
        ? undefined
        : typeof input === 'string'
          ? input
          : isRequestLike(input)
            ? input.url
            : undefined;
      const origin = href === undefined ? undefined : i.origins.lookup(href);
      if (origin !== undefined) {
        breaker = i.guard.breakerOfOrigin(origin.name);
        attributes = origin.attributes(method);
      } else {
        const url = urlOf(input);
        // Not an absolute URL: fetch rejects it without sending it; there is no upstream to guard.
        if (url === undefined) return i.send(input, init);
        request = i.eager ? { url, method, input, init } : undefined;
        breaker = i.guard.breakerFor(request as FetchRequest, url)!;
        attributes = clientAttributes(method, url);
      }
      const permit = breaker.admit({ attributes });
      if (isCircuitOpenError(permit)) return rejected(i, permit, request ?? requestOf(input, init, method));
      return admitted(i, breaker, permit, signal, input, init, request);
    } catch (error) {
      return Promise.reject(error);
    }
  } as F;
}

/** The {@link FetchRequest} of a call that did not need one until now (a rejection to decorate). */
function requestOf(
  input: string | URL | Request,
  init: RequestInit | undefined,
  method: string,
): FetchRequest {
  return { url: urlOf(input)!, method, input, init };
}

function rejected(i: Installation, error: CircuitOpenError, request: FetchRequest): Promise<Response> {
  // Not enumerable, like a cause: loggers that walk own properties should not dump the whole request.
  Object.defineProperty(error, 'request', { value: request, writable: true, configurable: true });
  if (i.o.fallback !== undefined) return fallbackResponse(i.o.fallback, error, request, undefined);
  return Promise.reject(error);
}

function admitted(
  i: Installation,
  breaker: CircuitBreaker<never>,
  permit: Permit,
  signal: AbortSignal | null | undefined,
  input: string | URL | Request,
  init: RequestInit | undefined,
  request: FetchRequest | undefined,
): Promise<Response> {
  let pending: Promise<Response>;
  try {
    // Inside the breaker's call span when `traceCalls` is on, so the HTTP client span is its child.
    pending = Promise.resolve(permit.run(() => i.send(input, init)));
  } catch (error) {
    pending = Promise.reject(error);
  }
  return pending.then(
    function onResponse(response) {
      const failed = i.guard.answered(breaker, permit, response);
      if (failed && i.o.fallback !== undefined) {
        return fallbackResponse(i.o.fallback, response, request!, response);
      }
      return response;
    },
    function onError(error: unknown) {
      const skip = isCallerAbort(signal) || isNotSent(error);
      const outcome = i.guard.failed(breaker, permit, error, skip);
      if (outcome === 'failure' && i.o.fallback !== undefined) {
        return fallbackResponse(i.o.fallback, error, request!, undefined);
      }
      throw error;
    },
  );
}
