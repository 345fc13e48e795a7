// The guard every error handler near a breaker needs, so an app need not import the core for it.
export { type CircuitOpenError, isCircuitOpenError } from '@tripswitch/core';
export { type BreakerHealthBody, type BreakerHealthOptions, breakerHealth } from './health.js';
export { type BreakerMiddleware, breaker } from './middleware.js';
export type { BreakerMiddlewareOptions } from './options.js';
export type { HttpCircuitOpenError, RejectionBody } from './respond.js';
export {
  type BreakerStatusPage,
  type BreakerStatusPageOptions,
  breakerStatusPage,
} from './status-page.js';
