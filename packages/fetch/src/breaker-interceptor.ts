import { type CircuitBreaker, isCircuitOpenError, type Permit } from '@tripswitch/core';
import {
  type ClientGuard,
  clientAttributes,
  createClientGuard,
  type HttpClientOptions,
  resolveHttpClientOptions,
} from '@tripswitch/core/http';
import { fetchAnswers, isCallerAbort, isTimeout } from './classify.js';
import { NOT_FOR_FETCH } from './options.js';

/**
 * The part of undici's `DispatchOptions` the interceptor reads (declared here, so that using
 * `withBreaker` alone needs no undici types).
 */
export interface DispatchOptionsLike {
  readonly origin?: string | URL;
  readonly path: string;
  readonly method: string;
  readonly signal?: unknown;
  /** `false` sends this request without a breaker (`undici.request(url, { breaker: false } as never)`). */
  readonly breaker?: unknown;
}

/** undici's `DispatchHandler` (the controller API of undici 7 and later), as far as the interceptor uses it. */
export interface DispatchHandlerLike {
  onRequestStart?(controller: unknown, context: unknown): void;
  onRequestUpgrade?(controller: unknown, statusCode: number, headers: unknown, socket: unknown): void;
  onResponseStart?(controller: unknown, statusCode: number, headers: unknown, statusMessage?: string): void;
  onResponseData?(controller: unknown, chunk: unknown): void;
  onResponseEnd?(controller: unknown, trailers: unknown): void;
  onResponseError?(controller: unknown, error: Error): void;
}

/**
 * undici's `Dispatcher['dispatch']`. Declared as a method, so that its parameters compare both ways and
 * undici's own (stricter) `DispatchOptions` fit.
 */
export type DispatchLike = {
  dispatch(options: DispatchOptionsLike, handler: DispatchHandlerLike): boolean;
}['dispatch'];

/** A request as the interceptor's `key` sees it. */
export interface DispatchRequest {
  /** The absolute URL the request goes to (`origin` + `path`). */
  readonly url: URL;
  /** The method, in upper case. */
  readonly method: string;
  /** undici's dispatch options, as given. */
  readonly options: DispatchOptionsLike;
}

/**
 * Options of `breakerInterceptor`: those of `withBreaker` but `fallback` (an interceptor cannot answer
 * for the client: catch the `CircuitOpenError` instead), with `key` receiving a {@link DispatchRequest}.
 */
export type InterceptorBreakerOptions = Omit<HttpClientOptions<DispatchRequest, never>, 'fallback'>;

const NOT_FOR_INTERCEPTOR: Readonly<Record<string, string>> = {
  ...NOT_FOR_FETCH,
  fallback:
    "an interceptor cannot answer for the client: use withBreaker's fallback, or catch the CircuitOpenError",
};

/** @internal What undici rejects before sending: invalid arguments (a bad header), unsupported features. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/** True when a dispatch ended without saying anything about the upstream. */
function skipped(error: unknown, options: DispatchOptionsLike): boolean {
  const e = error as { name?: unknown; code?: unknown } | null;
  if (typeof e?.code === 'string' && NOT_SENT_CODES.has(e.code)) return true;
  const signal = options.signal as AbortSignal | undefined;
  if (signal !== undefined && signal !== null && typeof signal === 'object' && 'aborted' in signal) {
    return isCallerAbort(signal);
  }
  // fetch aborts its dispatch with the reason of the caller's signal.
  return !isTimeout(error) && (e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED');
}

/** Hands an error to the handler the way undici's own interceptors do (no controller: nothing was sent). */
function deliver(handler: DispatchHandlerLike, error: Error): boolean {
  if (typeof handler.onResponseError !== 'function') throw error;
  handler.onResponseError(null, error);
  return true;
}

/** Passes every callback on, settling the permit once: at the response headers, or at the error. */
class BreakerHandler implements DispatchHandlerLike {
  constructor(
    private readonly handler: DispatchHandlerLike,
    private readonly guard: ClientGuard<DispatchRequest>,
    private readonly breaker: CircuitBreaker<never>,
    private readonly permit: Permit,
    private readonly options: DispatchOptionsLike,
  ) {}

  onRequestStart(controller: unknown, context: unknown): void {
    this.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: unknown, statusCode: number, headers: unknown, socket: unknown): void {
    this.permit.success();
    this.handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: unknown, statusCode: number, headers: unknown, statusMessage?: string): void {
    // 1xx are interim; a retry inside may start a second response: the first final one counts.
    if (statusCode >= 200 && !this.permit.settled) {
      this.guard.answered(this.breaker, this.permit, {
        status: statusCode,
        statusText: statusMessage,
        headers,
      });
    }
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: unknown, chunk: unknown): void {
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: unknown, trailers: unknown): void {
    this.handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: unknown, error: Error): void {
    // After the headers the outcome is known: a body that fails later does not change it.
    if (!this.permit.settled)
      this.guard.failed(this.breaker, this.permit, error, skipped(error, this.options));
    this.handler.onResponseError?.(controller, error);
  }
}

/**
 * An interceptor for undici's `Dispatcher.compose()` (undici 7 and later: the controller handler API)
 * that puts every request through the breaker of its upstream (by default one per origin,
 * `scheme://host:port`, named as `withBreaker` and the Axios adapter name them). A rejected request
 * fails with the `CircuitOpenError` before any socket is used (`undici.request` rejects with it; fetch
 * with `TypeError('fetch failed')` whose `cause` it is). The permit is settled when the response headers
 * arrive; bodies pass through untouched.
 *
 * @param options - core breaker options applied to each breaker it creates, plus `key`, `registry`,
 *   `isFailure`, `respectRetryAfter` and `maxRetryAfter` as in `withBreaker`.
 * @throws TypeError or RangeError at once for an invalid option, naming it and the value.
 * @example
 * ```ts
 * import { Agent, setGlobalDispatcher } from 'undici';
 * import { breakerInterceptor } from '@tripswitch/fetch';
 *
 * // undici.request, undici.fetch and the global fetch all go through it:
 * setGlobalDispatcher(new Agent().compose(breakerInterceptor({ failureThreshold: 5 })));
 * ```
 */
export function breakerInterceptor(
  options?: InterceptorBreakerOptions,
): (dispatch: DispatchLike) => DispatchLike {
  const o = resolveHttpClientOptions(options, { name: 'breakerInterceptor', refused: NOT_FOR_INTERCEPTOR });
  const guard = createClientGuard(o, 'breakerInterceptor', 'request', fetchAnswers);
  const eager = o.key !== undefined;
  return function breakerDispatchInterceptor(dispatch) {
    return function dispatchWithBreaker(opts, handler) {
      const signal = opts.signal as { aborted?: unknown } | null | undefined;
      if (opts.breaker === false || signal?.aborted === true) return dispatch(opts, handler);
      let url: URL;
      try {
        url = new URL(opts.path, opts.origin);
      } catch {
        return dispatch(opts, handler);
      }
      let breaker: CircuitBreaker<never> | undefined;
      let permit: Permit | undefined;
      try {
        const method = opts.method.toUpperCase();
        breaker = guard.breakerFor(eager ? { url, method, options: opts } : (undefined as never), url)!;
        const admitted = breaker.admit({ attributes: clientAttributes(method, url) });
        if (isCircuitOpenError(admitted)) return deliver(handler, admitted);
        permit = admitted;
        const breakerHandler = new BreakerHandler(handler, guard, breaker, admitted, opts);
        return admitted.run(() => dispatch(opts, breakerHandler));
      } catch (error) {
        // A dispatcher that throws (instead of calling the handler) has not told the handler either.
        if (permit !== undefined && !permit.settled)
          guard.failed(breaker!, permit, error, skipped(error, opts));
        return deliver(handler, error as Error);
      }
    };
  };
}
