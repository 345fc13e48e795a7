export { CircuitOpenError, isCircuitOpenError } from '@tripswitch/core';
export { parseRetryAfter } from '@tripswitch/core/http';
export { breakerInterceptor, type InterceptorBreakerOptions } from './breaker-interceptor.js';
export { defaultIsFailure, isResponseLike, networkErrorOf, statusOf } from './classify.js';
export type {
  DispatchHandlerLike,
  DispatchLike,
  DispatchOptionsLike,
  DispatchRequest,
} from './dispatch-types.js';
export { type FetchCircuitOpenError, isFetchCircuitOpenError } from './fetch-circuit-open-error.js';
export {
  type BreakerOptionsForFetch,
  FETCH_DEFAULTS,
  type FetchBreakerOptions,
  type FetchRequest,
} from './options.js';
export { type FetchLike, withBreaker } from './with-breaker.js';
