import { withBreaker } from '@tripswitch/axios';
import { type BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import axios, { type AxiosInstance, isAxiosError } from 'axios';

/** How long the APIs wait for the upstream: a hanging upstream costs this much per call, until the breaker opens. */
export const UPSTREAM_TIMEOUT_MS = 500;

/** What an API route answers, whatever happened on the way to the upstream. */
export interface Reply {
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
}

/**
 * An Axios client for the upstream behind its own breaker, named `name` (the default key is the origin;
 * a fixed name per client keeps the two APIs' breakers apart and the Prometheus series stable).
 */
export function upstreamClient(
  origin: string,
  name: string,
  registry: BreakerRegistry,
  resetTimeoutMs: number,
): AxiosInstance {
  const http = axios.create({ baseURL: origin, timeout: UPSTREAM_TIMEOUT_MS });
  withBreaker(http, { registry, key: () => name, failureThreshold: 3, resetTimeout: resetTimeoutMs });
  return http;
}

/**
 * GETs `path` from the upstream and turns the outcome into the API's reply: the upstream's data, a 503
 * that passes the breaker's wait on as `Retry-After` (the upstream was not even contacted), or a 502.
 */
export async function relay(http: AxiosInstance, path: string): Promise<Reply> {
  try {
    const response = await http.get(path);
    return { status: 200, body: response.data, headers: {} };
  } catch (error) {
    if (isCircuitOpenError(error)) {
      const seconds = Math.max(1, Math.ceil(error.retryAfterMs / 1000));
      const headers: Record<string, string> = Number.isFinite(seconds)
        ? { 'retry-after': String(seconds) }
        : {};
      return { status: 503, body: { error: 'upstream_circuit_open', breaker: error.breakerName }, headers };
    }
    const detail = isAxiosError(error) ? (error.response?.status ?? error.code) : String(error);
    return { status: 502, body: { error: 'upstream_failed', detail }, headers: {} };
  }
}
