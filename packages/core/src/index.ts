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
  type TransitionOptions,
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
