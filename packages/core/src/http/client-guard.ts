import { show } from '../check.js';
import type { CircuitBreaker } from '../circuit-breaker.js';
import type { Permit } from '../permit.js';
import { safeHook } from '../safe-hook.js';
import { honoursRetryAfter } from './failure-status.js';
import type { ResolvedHttpClientOptions } from './http-client-options.js';
import { originOf } from './origin.js';
import { parseRetryAfter } from './retry-after.js';

/** How a finished request counts for its breaker. */
export type ClientOutcome = 'success' | 'failure' | 'ignore';

/**
 * What a client adapter knows of its client's answers: a response, or an error that may carry one.
 * The guard needs nothing else of the client, so it imports none.
 */
export interface ClientAnswers {
  /** The HTTP status of a response, or of the response an error carries; `undefined` without one. */
  statusOf(errorOrResponse: unknown): number | undefined;
  /** A response header (the first value), of a response or of the response an error carries. */
  headerOf(errorOrResponse: unknown, name: string): string | undefined;
  /** What the failed permit records (telemetry's `error.type`): the status, or the underlying error. */
  failureOf(errorOrResponse: unknown): unknown;
  /** The adapter's default `isFailure`, used when the user gives none. */
  defaultIsFailure(errorOrResponse: unknown): boolean;
}

/**
 * The part of an HTTP client adapter that is the same for every client: which breaker a request goes
 * through, and how an answer settles its permit (once), including `Retry-After`. Built once per
 * installation by {@link createClientGuard}; its user hooks run through core's safe-hook helper.
 */
export interface ClientGuard<Req> {
  /**
   * The breaker of a request: `key(request)` when given, else the origin of `url`; `undefined` when
   * there is neither (not an absolute URL: the client rejects the request itself, nothing to guard).
   * @throws TypeError when `key` does not return a non-empty string; a throwing `key`'s error unchanged.
   */
  breakerFor(request: Req, url: URL | undefined): CircuitBreaker<never> | undefined;
  /**
   * The breaker of an origin, as {@link breakerFor} names it without `key` (for an adapter that found the
   * origin in an `OriginCache`; only when no `key` is given).
   */
  breakerOfOrigin(origin: string): CircuitBreaker<never>;
  /**
   * Settles `permit` for a response (headers received): a failure when `isFailure` says so (then a
   * 429 or 503 `Retry-After` opens the circuit for that long), else a success.
   * @returns true when it counted a failure.
   */
  answered(breaker: CircuitBreaker<never>, permit: Permit, response: unknown): boolean;
  /**
   * Settles `permit` for an error: ignored when `skip` (the adapter knows the caller cancelled, or the
   * request was never sent) or core's `ignore` matches, else as `isFailure` says.
   * @returns the outcome it recorded.
   */
  failed(breaker: CircuitBreaker<never>, permit: Permit, error: unknown, skip: boolean): ClientOutcome;
}

/**
 * Builds the {@link ClientGuard} of one adapter installation.
 *
 * @param o - The resolved options (see `resolveHttpClientOptions`).
 * @param owner - The adapter's function name, for hook error reports and messages (`withBreaker`).
 * @param keyArg - How `key`'s argument is called in messages (`config`, `request`).
 * @param answers - How to read the client's responses and errors.
 * @example
 * ```ts
 * const guard = createClientGuard(o, 'withBreaker', 'request', answers);
 * const breaker = guard.breakerFor(request, url);
 * ```
 */
export function createClientGuard<Req, Res>(
  o: ResolvedHttpClientOptions<Req, Res>,
  owner: string,
  keyArg: string,
  answers: ClientAnswers,
): ClientGuard<Req> {
  const hooks = safeHook(owner, o.onListenerError);
  const userIsFailure = o.isFailure ?? answers.defaultIsFailure;
  const userIgnore = o.ignore;
  // Only an exact `true` counts; a hook that throws counts as a failure (isFailure) or not ignored.
  const isFailure = (value: unknown) => hooks.judge('isFailure', userIsFailure, value, true);
  const ignore =
    userIgnore === undefined
      ? undefined
      : (error: unknown) => hooks.judge('ignore', userIgnore, error, false);

  /**
   * Opens the circuit for the period a failing 429 or 503 asked for. Called after the failure is recorded:
   * if that failure opened the circuit itself, `openFor` only lengthens the open period (it never shortens
   * one, so a longer `resetTimeout` wins); otherwise it opens it with reason `retry_after`.
   */
  function openForRetryAfter(breaker: CircuitBreaker<never>, answer: unknown, cause: Permit): void {
    if (!o.respectRetryAfter) return;
    const status = answers.statusOf(answer);
    if (status === undefined || !honoursRetryAfter(status)) return;
    const value = answers.headerOf(answer, 'retry-after');
    if (value === undefined) return;
    const nowMs = Date.now();
    const ms = parseRetryAfter(value, answers.headerOf(answer, 'date'), nowMs, o.maxRetryAfter);
    if (ms !== undefined) breaker.openFor(ms, { reason: 'retry_after', cause });
  }

  function fail(breaker: CircuitBreaker<never>, permit: Permit, answer: unknown): void {
    try {
      permit.failure(answers.failureOf(answer));
      openForRetryAfter(breaker, answer, permit);
    } finally {
      // Only reached unsettled if the code above threw: the permit must not leak either way.
      if (!permit.settled) permit.ignore();
    }
  }

  return {
    breakerFor(request, url) {
      let name: string;
      if (o.key !== undefined) {
        const key: unknown = o.key(request);
        if (typeof key !== 'string' || key === '') {
          throw new TypeError(`key(${keyArg}) must return a non-empty string, got ${show(key)}`);
        }
        name = key;
      } else if (url !== undefined) {
        name = originOf(url);
      } else {
        return undefined;
      }
      return o.registry.get(name, o.core);
    },

    breakerOfOrigin(origin) {
      return o.registry.get(origin, o.core);
    },

    answered(breaker, permit, response) {
      if (isFailure(response)) {
        fail(breaker, permit, response);
        return true;
      }
      permit.success();
      return false;
    },

    failed(breaker, permit, error, skip) {
      if (skip || ignore?.(error) === true) {
        permit.ignore();
        return 'ignore';
      }
      if (isFailure(error)) {
        fail(breaker, permit, error);
        return 'failure';
      }
      permit.success();
      return 'success';
    },
  };
}
