export { type BreakerHealthBody, type BreakerHealthOptions, breakerHealth } from './health.js';
export type {
  IsFailure,
  OnReject,
  RouteBreakerConfig,
  RouteBreakerOptions,
  TripswitchOptions,
} from './options.js';
export type { HttpCircuitOpenError, RejectionBody } from './rejection.js';
export {
  type BreakerStatusPage,
  type BreakerStatusPageOptions,
  breakerStatusPage,
} from './status-page.js';
export { tripswitch } from './tripswitch.js';
