export { CircuitOpenError, isCircuitOpenError } from '@tripswitch/core';
export { parseRetryAfter } from '@tripswitch/core/http';
export {
  breakerInterceptor,
  type DispatchHandlerLike,
  type DispatchLike,
  type DispatchOptionsLike,
  type DispatchRequest,
  type InterceptorBreakerOptions,
} from './breaker-interceptor.js';
export { defaultIsFailure, isResponseLike, networkErrorOf, statusOf } from './classify.js';
export {
  type BreakerOptionsForFetch,
  FETCH_DEFAULTS,
  type FetchBreakerOptions,
  type FetchRequest,
} from './options.js';
export {
  type FetchCircuitOpenError,
  type FetchLike,
  isFetchCircuitOpenError,
  withBreaker,
} from './with-breaker.js';
