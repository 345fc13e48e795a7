import type { CircuitBreaker, Permit } from '@tripswitch/core';
import type { ClientGuard } from '@tripswitch/core/http';
import { isCallerAbort, isTimeout } from './classify.js';
import type { DispatchHandlerLike, DispatchOptionsLike, DispatchRequest } from './dispatch-types.js';

/** @internal What undici rejects before sending: invalid arguments (a bad header), unsupported features. */
const NOT_SENT_CODES: ReadonlySet<string> = new Set(['UND_ERR_INVALID_ARG', 'UND_ERR_NOT_SUPPORTED']);

/** @internal True when a dispatch ended without saying anything about the upstream. */
export function skipped(error: unknown, options: DispatchOptionsLike): boolean {
  const e = error as { name?: unknown; code?: unknown } | null;
  if (typeof e?.code === 'string' && NOT_SENT_CODES.has(e.code)) return true;
  const signal = options.signal as AbortSignal | undefined;
  if (signal !== undefined && signal !== null && typeof signal === 'object' && 'aborted' in signal) {
    return isCallerAbort(signal);
  }
  // fetch aborts its dispatch with the reason of the caller's signal.
  return !isTimeout(error) && (e?.name === 'AbortError' || e?.code === 'UND_ERR_ABORTED');
}

/** @internal Hands an error to the handler the way undici's own interceptors do (no controller: nothing was sent). */
export function deliver(handler: DispatchHandlerLike, error: Error): boolean {
  if (typeof handler.onResponseError !== 'function') throw error;
  handler.onResponseError(null, error);
  return true;
}

/** @internal Passes every callback on, settling the permit once: at the response headers, or at the error. */
export class BreakerHandler implements DispatchHandlerLike {
  constructor(
    private readonly handler: DispatchHandlerLike,
    private readonly guard: ClientGuard<DispatchRequest>,
    private readonly breaker: CircuitBreaker<never>,
    private readonly permit: Permit,
    private readonly options: DispatchOptionsLike,
  ) {}

  onRequestStart(controller: unknown, context: unknown): void {
    this.handler.onRequestStart?.(controller, context);
  }

  onRequestUpgrade(controller: unknown, statusCode: number, headers: unknown, socket: unknown): void {
    this.permit.success();
    this.handler.onRequestUpgrade?.(controller, statusCode, headers, socket);
  }

  onResponseStart(controller: unknown, statusCode: number, headers: unknown, statusMessage?: string): void {
    // 1xx are interim; a retry inside may start a second response: the first final one counts.
    if (statusCode >= 200 && !this.permit.settled) {
      this.guard.answered(this.breaker, this.permit, {
        status: statusCode,
        statusText: statusMessage,
        headers,
      });
    }
    this.handler.onResponseStart?.(controller, statusCode, headers, statusMessage);
  }

  onResponseData(controller: unknown, chunk: unknown): void {
    this.handler.onResponseData?.(controller, chunk);
  }

  onResponseEnd(controller: unknown, trailers: unknown): void {
    this.handler.onResponseEnd?.(controller, trailers);
  }

  onResponseError(controller: unknown, error: Error): void {
    // After the headers the outcome is known: a body that fails later does not change it.
    if (!this.permit.settled)
      this.guard.failed(this.breaker, this.permit, error, skipped(error, this.options));
    this.handler.onResponseError?.(controller, error);
  }
}
