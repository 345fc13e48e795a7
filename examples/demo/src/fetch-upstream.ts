import type { BreakerRegistry } from '@tripswitch/core';
import { networkErrorOf, withBreaker } from '@tripswitch/fetch';
import { failedReply, rejectedReply, UPSTREAM_TIMEOUT_MS, type UpstreamClient } from './upstream-client.js';

/**
 * The upstream through the global `fetch` behind its own breaker, named `name`, with the same rule as the
 * Axios client's (3 consecutive failures). A timeout (`AbortSignal.timeout`) and a 5xx count as failures;
 * unlike Axios, fetch resolves on a 5xx, so the status is checked here.
 */
export function fetchUpstream(
  origin: string,
  name: string,
  registry: BreakerRegistry,
  resetTimeoutMs: number,
): UpstreamClient {
  const guarded = withBreaker(globalThis.fetch, {
    registry,
    key: () => name,
    failureThreshold: 3,
    resetTimeout: resetTimeoutMs,
  });
  return async (path) => {
    try {
      const response = await guarded(new URL(path, origin), {
        signal: AbortSignal.timeout(UPSTREAM_TIMEOUT_MS),
      });
      if (response.ok) return { status: 200, body: await response.json(), headers: {} };
      // The body is not needed; cancelling it frees the connection for the next call.
      await response.body?.cancel();
      return failedReply(response.status);
    } catch (error) {
      const rejected = rejectedReply(error);
      if (rejected !== undefined) return rejected;
      // `fetch failed` carries the network error (ECONNRESET, …) as its cause; a timeout is a TimeoutError.
      const cause = networkErrorOf(error);
      const detail =
        cause instanceof Error ? ((cause as { code?: string }).code ?? cause.name) : String(cause);
      return failedReply(detail);
    }
  };
}
