export { CircuitOpenError, isCircuitOpenError } from '@tripswitch/core';
export { parseRetryAfter } from '@tripswitch/core/http';
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
