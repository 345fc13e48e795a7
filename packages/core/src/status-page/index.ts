export type { BreakerStatus, StatusSnapshot, TransitionRecord } from './breaker-status.js';
export {
  type ResolvedStatusPageOptions,
  resolveStatusPageOptions,
  STATUS_PAGE_DEFAULTS,
  type StatusPageOptions,
} from './options.js';
export type { StatusAction } from './status-control.js';
export {
  adaptStatusPage,
  createStatusPage,
  type StatusPage,
  type StatusPageStreams,
} from './status-page.js';
