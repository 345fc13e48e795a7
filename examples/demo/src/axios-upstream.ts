import { withBreaker } from '@tripswitch/axios';
import type { BreakerRegistry } from '@tripswitch/core';
import axios, { isAxiosError } from 'axios';
import { failedReply, rejectedReply, UPSTREAM_TIMEOUT_MS, type UpstreamClient } from './upstream-client.js';

/**
 * The upstream through an Axios client behind its own breaker, named `name` (the default key is the origin;
 * a fixed name per client keeps the two APIs' breakers apart and the Prometheus series stable).
 */
export function axiosUpstream(
  origin: string,
  name: string,
  registry: BreakerRegistry,
  resetTimeoutMs: number,
): UpstreamClient {
  const http = axios.create({ baseURL: origin, timeout: UPSTREAM_TIMEOUT_MS });
  withBreaker(http, { registry, key: () => name, failureThreshold: 3, resetTimeout: resetTimeoutMs });
  return async (path) => {
    try {
      const response = await http.get(path);
      return { status: 200, body: response.data, headers: {} };
    } catch (error) {
      return (
        rejectedReply(error) ??
        failedReply(isAxiosError(error) ? (error.response?.status ?? error.code) : String(error))
      );
    }
  };
}
