export {
  checkBoolean,
  checkCount,
  checkDuration,
  checkHook,
  checkOptions,
  checkPercent,
  checkTimerDuration,
  MAX_TIMER_MS,
  show,
} from './check.js';
export {
  type BreakerMetrics,
  CircuitBreaker,
  type ExecuteOptions,
  type TrialGate,
  type WrapOptions,
} from './circuit-breaker.js';
export { type CircuitBreakerDecoratorOptions, circuitBreaker } from './circuit-breaker-decorator.js';
export { type Clock, createTestClock, systemClock, type TestClock } from './clock.js';
export {
  CallTimeoutError,
  CircuitBreakerError,
  type CircuitBreakerErrorCode,
  CircuitOpenError,
  isCallTimeoutError,
  isCircuitBreakerError,
  isCircuitOpenError,
  type RejectionKind,
} from './errors.js';
export type {
  BreakerEventMap,
  BreakerEventName,
  BreakerListener,
  FailureEvent,
  IgnoredEvent,
  ListenerErrorSource,
  RejectEvent,
  StateChangeEvent,
  SuccessEvent,
  TimeoutEvent,
  Unsubscribe,
} from './events.js';
export {
  type BreakerHealthBody,
  type BreakerHealthOptions,
  type HttpAdapterOptions,
  type HttpCircuitOpenError,
  healthReport,
  type RejectionBody,
  type RejectionResponse,
  type ResolvedHttpAdapterOptions,
  rejectionBody,
  rejectionResponse,
  resolveHealthOptions,
  resolveHttpAdapterOptions,
  retryAfterSeconds,
  toHttpError,
} from './http/index.js';
export {
  type CircuitBreakerOptions,
  type CountWindow,
  DEFAULTS,
  type ErrorClass,
  type RejectionSpans,
  type TelemetryOptions,
  type TimeWindow,
  validateBreakerOptions,
  type WindowOptions,
} from './options.js';
export type { AcquireOptions, Permit } from './permit.js';
export type { WindowSnapshot } from './policies/rate-window.js';
export {
  BreakerRegistry,
  type BreakerRegistryOptions,
  defaultRegistry,
  getAllBreakers,
  getBreaker,
  resetAllBreakers,
} from './registry.js';
export { type RetryOptions, retry } from './retry.js';
export { type HookErrorHandler, type SafeHook, safeHook } from './safe-hook.js';
export type { SignalArgument } from './signal-argument.js';
export type { BreakerCounts, BreakerSnapshot } from './snapshot.js';
export { CircuitState, type TransitionReason } from './state.js';
export {
  ATTR_CONSECUTIVE_FAILURES,
  ATTR_ERROR_TYPE,
  ATTR_FAILURE_RATE,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_ROUTE,
  ATTR_NAME,
  ATTR_ORIGIN,
  ATTR_OUTCOME,
  ATTR_PREVIOUS_STATE,
  ATTR_REASON,
  ATTR_RETRY_AFTER_MS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_SLOW_CALL_RATE,
  ATTR_STATE,
  ATTR_THRESHOLD,
  ATTR_TRIAL,
  ATTR_URL_SCHEME,
  DURATION_BUCKETS_S,
  ERROR_TYPE_CIRCUIT_OPEN,
  ERROR_TYPE_HALF_OPEN_FULL,
  ERROR_TYPE_OTHER,
  ERROR_TYPE_TIMEOUT,
  ERROR_TYPE_TRIAL_ELSEWHERE,
  INSTRUMENTATION_SCOPE,
  MAX_FAILURE_LINKS,
  METRIC_ACTIVE_CALLS,
  METRIC_CALL_DURATION,
  METRIC_CALLS,
  METRIC_FAILURE_RATE,
  METRIC_STATUS,
  METRIC_TRANSITIONS,
  OUTCOME_FAILURE,
  OUTCOME_IGNORED,
  OUTCOME_REJECTED,
  OUTCOME_SUCCESS,
  REJECT_DESCRIPTION_HALF_OPEN_FULL,
  REJECT_DESCRIPTION_OPEN,
  SPAN_CALL,
  SPAN_REJECT,
  SPAN_TRANSITION,
} from './telemetry/names.js';
export type { TransitionOptions } from './transition-options.js';
