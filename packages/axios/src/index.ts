export { CircuitOpenError, isCircuitOpenError } from '@tripswitch/core';
export { parseRetryAfter } from '@tripswitch/core/http';
export { defaultIsFailure, type Outcome, statusOf } from './classify.js';
export {
  AXIOS_DEFAULTS,
  type AxiosBreakerOptions,
  type BreakerOptionsForAxios,
  type FallbackResponse,
} from './options.js';
export { originKey } from './request-url.js';
export {
  type AxiosCircuitOpenError,
  type DetachBreaker,
  isAxiosCircuitOpenError,
  withBreaker,
} from './with-breaker.js';
