import { isCircuitOpenError } from '@tripswitch/core';

/** How long the APIs wait for the upstream: a hanging upstream costs this much per call, until the breaker opens. */
export const UPSTREAM_TIMEOUT_MS = 500;

/** What an API route answers, whatever happened on the way to the upstream. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

/**
 * GETs a path from the upstream through its client's breaker and turns the outcome into the API's reply:
 * the upstream's data, a 503 when the breaker rejected the call (see {@link rejectedReply}), or a 502.
 * One per HTTP client: `axiosUpstream()` and `fetchUpstream()`.
 */
export type UpstreamClient = (path: string) => Promise<Reply>;

/**
 * The API's reply when `error` is the breaker's rejection: a 503 that passes the breaker's wait on as
 * `Retry-After` (the upstream was not even contacted); `undefined` for any other error.
 */
export function rejectedReply(error: unknown): Reply | undefined {
  if (!isCircuitOpenError(error)) return undefined;
  const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
  const headers: Record<string, string> = Number.isFinite(seconds) ? { 'retry-after': String(seconds) } : {};
  return { status: 503, body: { error: 'upstream_circuit_open', breaker: error.breakerName }, headers };
}

/** The API's reply when the upstream call failed: `detail` is the upstream's status or the error's code. */
export function failedReply(detail: unknown): Reply {
  return { status: 502, body: { error: 'upstream_failed', detail }, headers: {} };
}
