import { type CircuitBreaker, isCircuitOpenError, type Permit } from '@tripswitch/core';
import {
  clientAttributes,
  createClientGuard,
  type HttpClientOptions,
  resolveHttpClientOptions,
} from '@tripswitch/core/http';
import { BreakerHandler, deliver, skipped } from './breaker-handler.js';
import { fetchAnswers } from './classify.js';
import type { DispatchLike, DispatchRequest } from './dispatch-types.js';
import { NOT_FOR_FETCH } from './options.js';

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
