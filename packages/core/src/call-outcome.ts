import { isOwnTimeout } from './call-timeout.js';
import type { ResolvedOptions } from './options.js';
import { FAILURE, IGNORED, type Outcome, SUCCESS } from './permit.js';
import type { SafeHook } from './safe-hook.js';

/**
 * @internal What a thrown error means for the breaker: the caller's own abort is ignored; the breaker's own
 * deadline is always a failure (`isFailure` and `ignore` judge what fn throws, and a typical status-based
 * `isFailure` would otherwise count every timeout as a success); otherwise `ignore`, then `isFailure`.
 */
export function errorOutcome(
  o: ResolvedOptions,
  hooks: SafeHook,
  error: unknown,
  signal: AbortSignal | undefined,
): Outcome {
  if (signal?.aborted) return IGNORED;
  return isOwnTimeout(error) ? FAILURE : judgedError(o, hooks, error);
}

/** @internal `ignore` then `isFailure` on an error (the manual API's `failure(error)` too). */
export function judgedError(o: ResolvedOptions, hooks: SafeHook, error: unknown): Outcome {
  if (o.ignore !== undefined && hooks.judge('ignore', o.ignore, error, false)) return IGNORED;
  if (o.isFailure !== undefined && !hooks.judge('isFailure', o.isFailure, error, true)) return SUCCESS;
  return FAILURE;
}

/** @internal what a returned value means: a failure when `isResultFailure` says so, else a success. */
export function resultOutcome(o: ResolvedOptions, hooks: SafeHook, value: unknown): Outcome {
  const judge = o.isResultFailure;
  return judge !== undefined && hooks.judge('isResultFailure', judge, value, false) ? FAILURE : SUCCESS;
}
