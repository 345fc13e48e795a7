export { CircuitOpenError, isCircuitOpenError } from '@tripswitch/core';
export { defaultIsFailure, type Outcome, parseRetryAfter, statusOf } from './classify.js';
export {
  type AxiosCircuitOpenError,
  type DetachBreaker,
  isAxiosCircuitOpenError,
  withBreaker,
} from './interceptor.js';
export {
  AXIOS_DEFAULTS,
  type AxiosBreakerOptions,
  type BreakerOptionsForAxios,
  type FallbackResponse,
  originKey,
} from './options.js';
