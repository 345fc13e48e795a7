export type { RejectionBody } from '@tripswitch/core/http';

import type { HttpCircuitOpenError as CoreHttpCircuitOpenError } from '@tripswitch/core/http';

/**
 * The `CircuitOpenError` passed to Fastify's error handler with `rejectWith: 'error'`: Fastify's default
 * handler answers with its `statusCode` (503) and sets its `headers` (`Retry-After`).
 */
export type HttpCircuitOpenError = CoreHttpCircuitOpenError;
