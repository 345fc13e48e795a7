import type { ServerResponse } from 'node:http';
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
 * The `CircuitOpenError` passed to `next` with `rejectWith: 'error'`: `status`, `statusCode` and
 * `headers` are what Express's default error handler (and most others) read.
 */
export type HttpCircuitOpenError = CircuitOpenError & {
  readonly status: 503;
  readonly statusCode: 503;
  /** As in {@link RejectionBody.retryAfter}. */
  readonly retryAfter: number | null;
  /** `Retry-After`, when the end of the open period is known. */
  readonly headers: Record<string, string>;
};

/** @internal `Retry-After` in whole seconds, rounded up and at least 1; `null` when there is no known end. */
export function retryAfterSeconds(retryAfterMs: number): number | null {
  return Number.isFinite(retryAfterMs) ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : null;
}

/** @internal decorates the rejection with the HTTP details error handlers look for. */
export function toHttpError(error: CircuitOpenError): HttpCircuitOpenError {
  const retryAfter = retryAfterSeconds(error.retryAfterMs);
  const headers: Record<string, string> = retryAfter === null ? {} : { 'Retry-After': String(retryAfter) };
  return Object.assign(error, { status: 503 as const, statusCode: 503 as const, retryAfter, headers });
}

/** @internal sends the default rejection: 503, `Retry-After` and a {@link RejectionBody}. */
export function sendRejection(res: ServerResponse, error: CircuitOpenError): void {
  const { retryAfter, headers } = toHttpError(error);
  const body: RejectionBody = { error: 'circuit_open', breaker: error.breakerName, retryAfter };
  sendJson(res, 503, body, headers);
}

/** @internal plain Node, so it works the same on Express 4 and 5. */
export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
  res.end(JSON.stringify(body));
}
