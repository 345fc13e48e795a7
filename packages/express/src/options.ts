import type { CircuitOpenError } from '@tripswitch/core';
import {
  type HttpAdapterOptions,
  type ResolvedHttpAdapterOptions,
  resolveHttpAdapterOptions,
} from '@tripswitch/core/http';
import type { NextFunction, Request, Response } from 'express';

type IsFailure = (req: Request, res: Response, error?: unknown) => boolean;
type OnReject = (req: Request, res: Response, next: NextFunction, error: CircuitOpenError) => void;

/** Options of {@link breaker}: the core breaker options, plus how to name, judge and reject requests. */
export interface BreakerMiddlewareOptions extends HttpAdapterOptions<IsFailure, OnReject> {
  /**
   * The breaker's name. Every route using this middleware instance then shares one breaker.
   * @defaultValue `<METHOD> <mounted route template>`, e.g. `GET /api/users/:id`
   */
  readonly name?: string;
  /**
   * Decides whether a finished request counts as a failure. Called once per admitted request: with the
   * error when one reaches `next(err)`, else when the response finishes. A hook that throws counts the
   * request as a failure and is reported once through `console.error`.
   * @defaultValue `error !== undefined || res.statusCode >= 500`
   */
  readonly isFailure?: IsFailure;
  /** Answers a rejected request instead of the default 503 (it replaces `rejectWith`). */
  readonly onReject?: OnReject;
  /**
   * `'response'` sends the 503 JSON response; `'error'` passes the `CircuitOpenError` (with `status`,
   * `statusCode`, `retryAfter` and `headers` set) to `next`, for the app's error handler.
   * @defaultValue 'response'
   */
  readonly rejectWith?: 'response' | 'error';
}

const defaultIsFailure: IsFailure = (_req, res, error) => error !== undefined || res.statusCode >= 500;

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
