import type { CircuitOpenError } from '@tripswitch/core';

/** The JSON body of the default 503 response. */
export interface RejectionBody {
  readonly error: 'circuit_open';
  /** The name of the breaker that rejected the request. */
  readonly breaker: string;
  /** Seconds until the breaker admits trial requests; `null` while forced open (no known end). */
  readonly retryAfter: number | null;
}

/**
 * The `CircuitOpenError` thrown with `rejectWith: 'error'`: `status`, `expose` and `headers` are what
 * Koa's error handling reads (`expose` also keeps Koa from logging it as a server error).
 */
export type HttpCircuitOpenError = CircuitOpenError & {
  readonly status: 503;
  readonly statusCode: 503;
  readonly expose: true;
  /** As in {@link RejectionBody.retryAfter}. */
  readonly retryAfter: number | null;
  /** `Retry-After`, when the end of the open period is known. */
  readonly headers: Record<string, string>;
};

/** @internal `Retry-After` in whole seconds, rounded up and at least 1; `null` when there is no known end. */
export function retryAfterSeconds(retryAfterMs: number): number | null {
  return Number.isFinite(retryAfterMs) ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : null;
}

/** @internal decorates the rejection with the HTTP details Koa's error handling looks for. */
export function toHttpError(error: CircuitOpenError): HttpCircuitOpenError {
  const retryAfter = retryAfterSeconds(error.retryAfterMs);
  const headers: Record<string, string> = retryAfter === null ? {} : { 'Retry-After': String(retryAfter) };
  return Object.assign(error, {
    status: 503 as const,
    statusCode: 503 as const,
    expose: true as const,
    retryAfter,
    headers,
  });
}

/** @internal the default rejection's body. */
export function rejectionBody(error: HttpCircuitOpenError): RejectionBody {
  return { error: 'circuit_open', breaker: error.breakerName, retryAfter: error.retryAfter };
}
