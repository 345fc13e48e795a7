import type { Attributes } from '@opentelemetry/api';
import type { CircuitState } from './state.js';

/** Options of `CircuitBreaker.tryAcquire()` and `CircuitBreaker.acquire()`. */
export interface AcquireOptions {
  /**
   * Extra attributes for this call's spans (adapters pass `http.request.method`, `http.route`,
   * `server.address`, `server.port`). Never used on metrics, so they may be specific to the call.
   */
  readonly attributes?: Attributes;
}

/**
 * The right to make one call, from `CircuitBreaker.tryAcquire()` or `CircuitBreaker.acquire()`.
 * Report the outcome with exactly one method; the first call settles the permit and later ones do
 * nothing, so a half_open trial slot can never leak or be released twice.
 */
export interface Permit {
  /** The call succeeded. */
  success(): void;
  /** The call failed; `error` is kept for events and telemetry (`error.type`). */
  failure(error?: unknown): void;
  /** The outcome says nothing about the dependency (a cancelled request): neither success nor failure. */
  ignore(): void;
  /** True when the call was admitted as a half_open trial. */
  readonly trial: boolean;
  /** True once the permit is settled. */
  readonly settled: boolean;
  /**
   * Runs `fn` inside this call's telemetry context: its `circuit_breaker.call` span when `traceCalls` is
   * on (so spans the call creates are children of it), else just runs it.
   */
  run<T>(fn: () => T): T;
}

/** @internal outcome codes. */
export const SUCCESS = 0;
/** @internal */
export const FAILURE = 1;
/** @internal */
export const IGNORED = 2;
/** @internal */
export type Outcome = typeof SUCCESS | typeof FAILURE | typeof IGNORED;

/**
 * @internal what a permit needs from the breaker that issued it (a narrow view: the breaker imports its
 * parts, never the other way round).
 */
export interface PermitOwner {
  _settle(permit: BreakerPermit, outcome: Outcome, error: unknown): void;
  /** The breaker's telemetry, when it has any: runs a call inside its call span. */
  readonly _telemetry:
    | {
        runInCall<T>(permit: BreakerPermit, fn: (signal: AbortSignal | undefined) => T, signal: undefined): T;
      }
    | undefined;
}

/** @internal one admitted call; a plain class so the closed path allocates one small object. */
export class BreakerPermit implements Permit {
  settled = false;
  /** @internal telemetry's per-call context (the caller's context, or the call span's). */
  ctx: unknown = undefined;
  /** @internal the call span, when `traceCalls` is on. */
  span: unknown = undefined;

  constructor(
    readonly breaker: PermitOwner,
    readonly generation: number,
    readonly startedAt: number,
    readonly state: CircuitState,
    readonly trial: boolean,
    readonly attributes: Attributes | undefined,
  ) {}

  success(): void {
    this.breaker._settle(this, SUCCESS, undefined);
  }

  failure(error?: unknown): void {
    this.breaker._settle(this, FAILURE, error);
  }

  ignore(): void {
    this.breaker._settle(this, IGNORED, undefined);
  }

  run<T>(fn: () => T): T {
    const tel = this.breaker._telemetry;
    return tel !== undefined && this.span !== undefined ? tel.runInCall(this, fn, undefined) : fn();
  }
}
