// The core's guard every error handler near a breaker needs, and the types of the adapter's answers and
// options, so an app need not import the core for them.
export { type CircuitOpenError, isCircuitOpenError } from '@tripswitch/core';
export type { BreakerHealthBody, BreakerHealthOptions, RejectionBody } from '@tripswitch/core/http';
export { breakerHealth } from './health.js';
export { breaker } from './middleware.js';
export type { BreakerMiddlewareOptions } from './options.js';
export type { HttpCircuitOpenError } from './respond.js';
export { type BreakerStatusPage, type BreakerStatusPageOptions, breakerStatusPage } from './status-page.js';
