import type { CircuitOpenError } from '@tripswitch/core';
import {
  type HttpCircuitOpenError as CoreHttpCircuitOpenError,
  rejectionResponse,
  toHttpError,
} from '@tripswitch/core/http';
import type { FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import type { ResolvedRouteOptions } from './options.js';

/**
 * The `CircuitOpenError` passed to Fastify's error handler with `rejectWith: 'error'`: Fastify's default
 * handler answers with its `statusCode` (503) and sets its `headers` (`Retry-After`).
 */
export type HttpCircuitOpenError = CoreHttpCircuitOpenError;

/** Hands what `onReject` threw to Fastify's error handling; `done()` without an error would run the route. */
function fail(done: HookHandlerDoneFunction, reason: unknown): void {
  done((reason ?? new TypeError(`onReject failed with ${String(reason)}`)) as Error);
}

/**
 * @internal Answers a rejected request in `onRequest`: `onReject` when given (what it throws or rejects
 * with goes to Fastify's error handler), the error itself with `rejectWith: 'error'`, else the 503.
 */
export function rejectRequest(
  o: ResolvedRouteOptions,
  request: FastifyRequest,
  reply: FastifyReply,
  done: HookHandlerDoneFunction,
  error: CircuitOpenError,
): void {
  if (o.onReject !== undefined) {
    try {
      const answered = o.onReject(request, reply, error) as Promise<unknown> | undefined;
      if (typeof answered?.then === 'function') answered.then(undefined, (reason) => fail(done, reason));
    } catch (hookError) {
      fail(done, hookError);
    }
  } else if (o.rejectWith === 'error') {
    done(toHttpError(error));
  } else {
    const { status, retryAfter, body } = rejectionResponse(error);
    reply.code(status);
    if (retryAfter !== undefined) reply.header('retry-after', retryAfter);
    // Serialised already: Fastify sends a string with a content type as it is.
    reply.type('application/json; charset=utf-8').send(body);
  }
}
