import { CallTimeoutError, isCircuitOpenError } from '../errors.js';
import type { Permit } from '../permit.js';
import type { SafeHook } from '../safe-hook.js';

/** What {@link settleRequest} reads of an adapter's resolved options. */
export interface RequestOutcomeOptions {
  /** See `HttpAdapterOptions.ignoreCircuitOpen`. */
  readonly ignoreCircuitOpen: boolean;
}

/**
 * Settles the permit of an admitted request once the adapter knows how it ended: `error` when one reached
 * the adapter, else `status`, the response's. A request that failed with a `CircuitOpenError` (a breaker
 * the handler called was open: an upstream's, not the route's) is ignored while `ignoreCircuitOpen`, so one
 * upstream outage does not trip every route that calls it; anything else is `isFailure`'s to judge (a hook
 * that throws counts a failure and is reported through `hooks`). Does nothing once the permit is settled.
 *
 * @example
 * ```ts
 * settleRequest(permit, o, hooks, (e: unknown) => o.isFailure(req, res, e), error, error, res.statusCode);
 * ```
 */
export function settleRequest<V>(
  permit: Permit,
  o: RequestOutcomeOptions,
  hooks: SafeHook,
  isFailure: (value: V) => unknown,
  value: V,
  error: unknown,
  status: number,
): void {
  if (permit.settled) return;
  if (error !== undefined && o.ignoreCircuitOpen && isCircuitOpenError(error)) permit.ignore();
  else if (hooks.judge('isFailure', isFailure, value, true)) permit.failure(error ?? status);
  else permit.success();
}

/** A permit whose request fails at its deadline unless it is settled before (which clears the timer). */
class DeadlinePermit implements Permit {
  private readonly timer: ReturnType<typeof setTimeout>;

  constructor(
    private readonly inner: Permit,
    breakerName: string,
    deadlineMs: number,
  ) {
    this.timer = setTimeout(() => inner.failure(new CallTimeoutError(breakerName, deadlineMs)), deadlineMs);
    // An unanswered request keeps its socket open by itself; the deadline should not keep the process up.
    this.timer.unref?.();
  }

  get trial(): boolean {
    return this.inner.trial;
  }

  get settled(): boolean {
    return this.inner.settled;
  }

  success(): void {
    clearTimeout(this.timer);
    this.inner.success();
  }

  failure(error?: unknown): void {
    clearTimeout(this.timer);
    this.inner.failure(error);
  }

  ignore(): void {
    clearTimeout(this.timer);
    this.inner.ignore();
  }

  run<T>(fn: () => T): T {
    return this.inner.run(fn);
  }
}

/**
 * The permit an adapter settles for an admitted request: `permit` itself without a deadline; with one, a
 * permit that counts the request as a failure (a `CallTimeoutError`, as `execute()`'s `timeout` does) when
 * it is still unsettled `deadlineMs` after admission. The outcome is decided then: the answer that comes
 * later changes nothing (a permit settles once). The request itself is left alone.
 *
 * @example
 * ```ts
 * const permit = withDeadline(admitted, name, o.deadline);
 * ```
 */
export function withDeadline(permit: Permit, breakerName: string, deadlineMs: number | undefined): Permit {
  return deadlineMs === undefined ? permit : new DeadlinePermit(permit, breakerName, deadlineMs);
}
