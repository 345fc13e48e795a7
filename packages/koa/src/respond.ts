import type { CircuitOpenError } from '@tripswitch/core';
import {
  type HttpCircuitOpenError as CoreHttpCircuitOpenError,
  toHttpError as coreToHttpError,
} from '@tripswitch/core/http';

/**
 * The `CircuitOpenError` thrown with `rejectWith: 'error'`: `status`, `expose` and `headers` are what
 * Koa's error handling reads (`expose` also keeps Koa from logging it as a server error).
 */
export type HttpCircuitOpenError = CoreHttpCircuitOpenError & { readonly expose: true };

/** @internal decorates the rejection with the HTTP details Koa's error handling looks for. */
export function toHttpError(error: CircuitOpenError): HttpCircuitOpenError {
  return Object.assign(coreToHttpError(error), { expose: true as const });
}
