import { type CircuitOpenError, isCircuitOpenError } from '@tripswitch/core';
import type { FetchRequest } from './options.js';

/**
 * The rejection of a request the breaker did not let through: core's `CircuitOpenError` (`code`
 * `'CIRCUIT_OPEN'`, `breakerName`, `state`, `retryAfterMs`, `kind`) carrying the {@link FetchRequest}.
 */
export type FetchCircuitOpenError = CircuitOpenError & { readonly request: FetchRequest };

/**
 * True when `error` is the rejection of a request that `withBreaker` did not let through. Like core's
 * `isCircuitOpenError` it checks `code`, so two copies of the package still agree.
 * @example
 * ```ts
 * const answer = await guarded('https://payments.internal/charges').catch((e: unknown) => e);
 * if (isFetchCircuitOpenError(answer)) console.warn(`${answer.request.url.host}: retry in ${answer.retryAfterMs} ms`);
 * ```
 */
export function isFetchCircuitOpenError(error: unknown): error is FetchCircuitOpenError {
  return isCircuitOpenError(error) && typeof (error as { request?: unknown }).request === 'object';
}
