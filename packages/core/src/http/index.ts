export { show } from '../check.js';
export {
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ATTR_URL_SCHEME,
} from '../telemetry/names.js';
export { checkRegistry } from './check-registry.js';
export {
  type ClientAnswers,
  type ClientGuard,
  type ClientOutcome,
  createClientGuard,
} from './client-guard.js';
export { honoursRetryAfter, isFailureStatus } from './failure-status.js';
export {
  type BreakerHealthBody,
  type BreakerHealthOptions,
  healthReport,
  resolveHealthOptions,
} from './health.js';
export {
  type HttpAdapterOptions,
  type ResolvedHttpAdapterOptions,
  resolveHttpAdapterOptions,
} from './http-adapter-options.js';
export {
  type BreakerOptionsForClient,
  CLIENT_DEFAULTS,
  type HttpClientOptions,
  type ResolvedHttpClientOptions,
  refusedClientOptions,
  resolveHttpClientOptions,
} from './http-client-options.js';
export { parseHttpDate } from './http-date.js';
export { clientAttributes, originOf, portOf } from './origin.js';
export { type CachedOrigin, OriginCache } from './origin-cache.js';
export {
  type HttpCircuitOpenError,
  type RejectionBody,
  type RejectionResponse,
  rejectionBody,
  rejectionResponse,
  retryAfterSeconds,
  toHttpError,
} from './rejection.js';
export { type RequestOutcomeOptions, settleRequest, withDeadline } from './request-permit.js';
export { DEFAULT_MAX_RETRY_AFTER, parseRetryAfter } from './retry-after.js';
