import { withBreaker } from '@tripswitch/axios';
import { retry } from '@tripswitch/core';
import axios from 'axios';

/**
 * One Axios instance for every upstream: `withBreaker` gives each origin (`scheme://host:port`) its own
 * breaker, so a failing stock service is cut off while the price service keeps being called.
 */
export const http = axios.create({ timeout: 1000 });
withBreaker(http, { failureThreshold: 3, resetTimeout: 2000 });

/**
 * GET with `retry()` around the breaker. Failures are retried with backoff; an open circuit is waited out
 * only when the breaker admits a trial within the backoff budget left (here 500 + 1000 ms), otherwise the
 * `CircuitOpenError` is thrown at once: no point hammering an upstream the breaker has given up on.
 */
export async function getJson<T>(url: string): Promise<T> {
  return retry(async () => (await http.get<T>(url)).data, { maxRetries: 2, initialDelay: 500 });
}

/**
 * Reviews are nice to have, so their client has a fallback: when the call fails or the circuit is open,
 * the request resolves with an empty list instead of rejecting (the failure is still counted). The
 * fallback applies to every request of an instance, hence an instance of its own.
 */
export const reviewsHttp = axios.create({ timeout: 1000 });
withBreaker(reviewsHttp, {
  failureThreshold: 2,
  resetTimeout: 5000,
  fallback: () => ({ data: { reviews: [], fallback: true } }),
});
