import type { ServerResponse } from 'node:http';
import type { CircuitOpenError } from '@tripswitch/core';
import {
  type HttpCircuitOpenError as CoreHttpCircuitOpenError,
  rejectionResponse,
} from '@tripswitch/core/http';

/**
 * The `CircuitOpenError` passed to `next` with `rejectWith: 'error'`: `status`, `statusCode` and
 * `headers` are what Express's default error handler (and most others) read.
 */
export type HttpCircuitOpenError = CoreHttpCircuitOpenError;

/** @internal sends the default rejection: 503, `Retry-After` and a `RejectionBody`. */
export function sendRejection(res: ServerResponse, error: CircuitOpenError): void {
  const { status, retryAfter, body } = rejectionResponse(error);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  if (retryAfter !== undefined) res.setHeader('Retry-After', retryAfter);
  res.end(body);
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
