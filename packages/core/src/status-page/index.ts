export type { BreakerStatus, StatusSnapshot, TransitionRecord } from './breaker-status.js';
export {
  type ResolvedStatusPageOptions,
  resolveStatusPageOptions,
  STATUS_PAGE_DEFAULTS,
  type StatusPageOptions,
} from './options.js';
export type { StatusAction } from './status-control.js';
export { createStatusPage, type StatusPage } from './status-page.js';
