import type { CircuitOpenError } from '@tripswitch/core';
import {
  type HttpAdapterOptions,
  type ResolvedHttpAdapterOptions,
  resolveHttpAdapterOptions,
} from '@tripswitch/core/http';
import type { Context } from 'koa';

type IsFailure = (ctx: Context, error?: unknown) => boolean;
type OnReject = (ctx: Context, error: CircuitOpenError) => void | Promise<void>;

/** Options of {@link breaker}: the core breaker options, plus how to name, judge and reject requests. */
export interface BreakerMiddlewareOptions extends HttpAdapterOptions<IsFailure, OnReject> {
  /**
   * The breaker's name. Every route using this middleware instance then shares one breaker.
   * @defaultValue `<METHOD> <route template>` from `@koa/router`, e.g. `GET /api/users/:id`
   */
  readonly name?: string;
  /**
   * Decides whether a request counts as a failure: with the error when the rest of the chain throws, else
   * after it returns (`ctx.status` is final by then). A hook that throws counts the request as a failure and
   * is reported once through `console.error`.
   * @defaultValue `error !== undefined || ctx.status >= 500`
   */
  readonly isFailure?: IsFailure;
  /** Answers a rejected request instead of the default 503 (it replaces `rejectWith`). */
  readonly onReject?: OnReject;
  /**
   * `'response'` sends the 503 JSON response; `'error'` throws the `CircuitOpenError` (with `status`,
   * `expose`, `retryAfter` and `headers` set) for Koa's error handling.
   * @defaultValue 'response'
   */
  readonly rejectWith?: 'response' | 'error';
}

const defaultIsFailure: IsFailure = (ctx, error) => error !== undefined || ctx.status >= 500;

/**
 * @internal Validates the middleware options and splits them from the core's (see
 * `resolveHttpAdapterOptions` in `@tripswitch/core/http`), so every bad option throws at creation.
 * @throws TypeError or RangeError naming the option and the value.
 */
export function resolveOptions(
  options?: BreakerMiddlewareOptions,
): ResolvedHttpAdapterOptions<IsFailure, OnReject> {
  return resolveHttpAdapterOptions(options, { isFailure: defaultIsFailure });
}
