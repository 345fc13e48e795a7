import { show } from './check.js';
import type { BreakerMetrics } from './circuit-breaker.js';
import type { CircuitOpenError } from './errors.js';
import { type CircuitBreakerOptions, validateBreakerOptions } from './options.js';
import { type BreakerRegistry, defaultRegistry } from './registry.js';

/**
 * Core options that only make sense around `execute()` (a function the breaker calls itself). A middleware
 * settles permits instead, so these would be silently ignored: they are refused instead.
 */
const EXECUTE_ONLY = ['fallback', 'ignore', 'isResultFailure', 'timeout'] as const;
const ADAPTER_KEYS: ReadonlySet<string> = new Set([
  'name',
  'registry',
  'isFailure',
  'onReject',
  'rejectWith',
]);

/**
 * Options of an HTTP server adapter's `breaker()` middleware: the core breaker options that apply to
 * permits, plus how requests are named, judged and rejected. `F` and `R` are the framework's own hook
 * signatures, so this module never needs a framework's types.
 */
export interface HttpAdapterOptions<F, R>
  extends Omit<CircuitBreakerOptions, 'name' | 'isFailure' | (typeof EXECUTE_ONLY)[number]> {
  /** The breaker's name, shared by every route using the middleware. @defaultValue the adapter's route name */
  readonly name?: string;
  /** Where breakers are created and looked up by name. @defaultValue `defaultRegistry` from `@tripswitch/core` */
  readonly registry?: BreakerRegistry;
  /** Decides whether a finished request counts as a failure. @defaultValue the adapter's own */
  readonly isFailure?: F;
  /** Answers a rejected request instead of the default 503 (it replaces `rejectWith`). */
  readonly onReject?: R;
  /**
   * `'response'` answers 503 with a {@link RejectionBody}; `'error'` hands the framework an
   * {@link HttpCircuitOpenError}.
   * @defaultValue 'response'
   */
  readonly rejectWith?: 'response' | 'error';
}

/** {@link HttpAdapterOptions} after {@link resolveHttpAdapterOptions}: validated, defaults applied. */
export interface ResolvedHttpAdapterOptions<F, R> {
  /** `undefined` when not given: the adapter names each route's breaker itself. */
  readonly name: string | undefined;
  readonly registry: BreakerRegistry;
  readonly isFailure: F;
  readonly onReject: R | undefined;
  readonly rejectWith: 'response' | 'error';
  /** What is left for the core: passed to `registry.get()` when a route's breaker is created. */
  readonly core: Omit<CircuitBreakerOptions, 'name'>;
}

/**
 * The core's {@link show}, except that objects and arrays are shown by `String()`: the adapters always
 * did, and their messages stay word for word what they were.
 */
function showGiven(value: unknown): string {
  return typeof value === 'object' && value !== null ? String(value) : show(value);
}

/** The core's `checkHook`, with the adapters' wording of the bad value. */
function checkFunction<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${option} must be a function, got ${showGiven(value)}`);
  }
  return value;
}

/** Checks a registry by shape, so a registry from another copy of the core is accepted. */
function checkRegistry(value: unknown): BreakerRegistry {
  if (value === undefined) return defaultRegistry;
  const r = value as Partial<BreakerRegistry> | null;
  if (typeof r?.get !== 'function' || typeof r.snapshot !== 'function') {
    throw new TypeError(`registry must be a BreakerRegistry, got ${showGiven(value)}`);
  }
  return value as BreakerRegistry;
}

/**
 * Validates the options of an HTTP adapter's `breaker()` and splits them from the core's, which are
 * validated too, so every bad option throws when the middleware is created rather than on the first
 * request. As in the core, `null` means "not given". The core options that only apply to `execute()`
 * (`fallback`, `ignore`, `isResultFailure`, `timeout`) are refused: a middleware settles permits.
 *
 * @param options - What the user passed to `breaker()`.
 * @param defaults - The adapter's `isFailure`, used when none is given.
 * @throws TypeError or RangeError naming the option and the value
 *   (`rejectWith must be 'response' or 'error', got "throw"`).
 * @example
 * ```ts
 * const o = resolveHttpAdapterOptions(
 *   { failureThreshold: 3 },
 *   { isFailure: (status: number, error?: unknown) => error !== undefined || status >= 500 },
 * );
 * const route = o.registry.get('GET /users/:id', o.core);
 * ```
 */
export function resolveHttpAdapterOptions<F, R>(
  options: HttpAdapterOptions<F, R> = {},
  defaults: { readonly isFailure: F },
): ResolvedHttpAdapterOptions<F, R> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`breaker options must be an object, got ${showGiven(options)}`);
  }
  const o: HttpAdapterOptions<F, R> & Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value != null) o[key] = value;
  for (const key of EXECUTE_ONLY) {
    if (o[key] !== undefined) {
      throw new TypeError(
        `${key} applies to execute() and has no effect on a middleware, got ${showGiven(o[key])}`,
      );
    }
  }
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0)) {
    throw new TypeError(`name must be a non-empty string, got ${showGiven(o.name)}`);
  }
  if (o.rejectWith !== undefined && o.rejectWith !== 'response' && o.rejectWith !== 'error') {
    throw new TypeError(`rejectWith must be 'response' or 'error', got ${showGiven(o.rejectWith)}`);
  }
  const core: Record<string, unknown> = {};
  for (const key of Object.keys(o)) if (!ADAPTER_KEYS.has(key)) core[key] = o[key];
  validateBreakerOptions(core);
  return {
    name: o.name,
    registry: checkRegistry(o.registry),
    isFailure: checkFunction('isFailure', o.isFailure) ?? defaults.isFailure,
    onReject: checkFunction('onReject', o.onReject),
    rejectWith: o.rejectWith ?? 'response',
    core,
  };
}

/** The JSON body of an HTTP adapter's default 503 response. */
export interface RejectionBody {
  readonly error: 'circuit_open';
  /** The name of the breaker that rejected the request. */
  readonly breaker: string;
  /** Seconds until the breaker admits trial requests; `null` while forced open (no known end). */
  readonly retryAfter: number | null;
}

/**
 * A `CircuitOpenError` decorated by {@link toHttpError}: `status`, `statusCode` and `headers` are what
 * HTTP frameworks' error handlers read.
 */
export type HttpCircuitOpenError = CircuitOpenError & {
  readonly status: 503;
  readonly statusCode: 503;
  /** As in {@link RejectionBody.retryAfter}. */
  readonly retryAfter: number | null;
  /** `Retry-After`, when the end of the open period is known. */
  readonly headers: Record<string, string>;
};

/**
 * `Retry-After` in whole seconds from a `retryAfterMs`: rounded up and at least 1 (a half_open breaker
 * with every trial slot taken reports 0 ms); `null` when there is no known end (forced open: `Infinity`).
 *
 * @example
 * ```ts
 * retryAfterSeconds(1200); // 2
 * retryAfterSeconds(0); // 1
 * retryAfterSeconds(Infinity); // null
 * ```
 */
export function retryAfterSeconds(retryAfterMs: number): number | null {
  return Number.isFinite(retryAfterMs) ? Math.max(1, Math.ceil(retryAfterMs / 1000)) : null;
}

/**
 * Decorates a rejection, in place, with the HTTP details error handlers look for: `status` and
 * `statusCode` 503, `retryAfter` (as in {@link retryAfterSeconds}) and `headers` (`Retry-After`, left
 * out when there is no known end).
 *
 * @returns The same error object, typed as an {@link HttpCircuitOpenError}.
 * @example
 * ```ts
 * const error = toHttpError(rejection); // error.headers: { 'Retry-After': '27' }
 * ```
 */
export function toHttpError(error: CircuitOpenError): HttpCircuitOpenError {
  const retryAfter = retryAfterSeconds(error.retryAfterMs);
  const headers: Record<string, string> = retryAfter === null ? {} : { 'Retry-After': String(retryAfter) };
  return Object.assign(error, { status: 503 as const, statusCode: 503 as const, retryAfter, headers });
}

/**
 * The body of the default 503 response to a rejected request.
 *
 * @example
 * ```ts
 * rejectionBody(rejection); // { error: 'circuit_open', breaker: 'GET /users/:id', retryAfter: 27 }
 * ```
 */
export function rejectionBody(error: CircuitOpenError): RejectionBody {
  return {
    error: 'circuit_open',
    breaker: error.breakerName,
    retryAfter: retryAfterSeconds(error.retryAfterMs),
  };
}

/** The default 503 answer to a rejected request, ready to send. */
export interface RejectionResponse {
  readonly status: 503;
  /** The `Retry-After` header value, or `undefined` when there is no known end (forced_open). */
  readonly retryAfter: string | undefined;
  /** The JSON-serialised {@link RejectionBody}. */
  readonly body: string;
}

let lastRejection: { name: string; seconds: number | null; response: RejectionResponse } | undefined;

/**
 * The default 503 answer to a rejected request: `Retry-After` and the JSON {@link RejectionBody}. Under
 * overload the same breaker rejects many requests a second with the same `Retry-After`, so the last answer
 * is kept and reused while neither changes.
 *
 * @example
 * ```ts
 * const { status, retryAfter, body } = rejectionResponse(rejection);
 * ```
 */
export function rejectionResponse(error: CircuitOpenError): RejectionResponse {
  const seconds = retryAfterSeconds(error.retryAfterMs);
  const last = lastRejection;
  if (last !== undefined && last.name === error.breakerName && last.seconds === seconds) return last.response;
  const body: RejectionBody = { error: 'circuit_open', breaker: error.breakerName, retryAfter: seconds };
  const response: RejectionResponse = {
    status: 503,
    retryAfter: seconds === null ? undefined : String(seconds),
    body: JSON.stringify(body),
  };
  lastRejection = { name: error.breakerName, seconds, response };
  return response;
}

/** Options of an HTTP adapter's `breakerHealth()`. */
export interface BreakerHealthOptions {
  /** The breakers to report. @defaultValue `defaultRegistry` from `@tripswitch/core` */
  readonly registry?: BreakerRegistry;
  /** Answer 503 instead of 200 while the status is `DEGRADED`. @defaultValue false */
  readonly failWhenOpen?: boolean;
}

/** The JSON body of an HTTP adapter's `breakerHealth()`, as {@link healthReport} builds it. */
export interface BreakerHealthBody {
  /** `DEGRADED` when any breaker rejects calls (`open` or `forced_open`); `half_open` is `UP`. */
  readonly status: 'UP' | 'DEGRADED';
  /** `getMetrics()` of every breaker in the registry, by name (`retryAfterMs` is `null` while forced open). */
  readonly breakers: Record<string, BreakerMetrics>;
}

/**
 * Validates the options of an HTTP adapter's `breakerHealth()` and applies the defaults.
 *
 * @throws TypeError when `options` is not an object, `registry` is not a `BreakerRegistry` or
 *   `failWhenOpen` is not a boolean.
 */
export function resolveHealthOptions(options: BreakerHealthOptions = {}): Required<BreakerHealthOptions> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`breakerHealth options must be an object, got ${String(options)}`);
  }
  const registry = checkRegistry(options.registry);
  const failWhenOpen = options.failWhenOpen ?? false;
  if (typeof failWhenOpen !== 'boolean') {
    throw new TypeError(`failWhenOpen must be a boolean, got ${String(failWhenOpen)}`);
  }
  return { registry, failWhenOpen };
}

/**
 * Reports every breaker of a registry, for a health or status endpoint: `DEGRADED` while any of them
 * rejects calls (`open` or `forced_open`), else `UP` (`half_open` admits trials, so it is `UP`).
 *
 * @example
 * ```ts
 * const report = healthReport(defaultRegistry);
 * const status = report.status === 'DEGRADED' && failWhenOpen ? 503 : 200;
 * ```
 */
export function healthReport(registry: BreakerRegistry): BreakerHealthBody {
  const breakers = registry.snapshot();
  const degraded = Object.values(breakers).some((m) => m.state === 'open' || m.state === 'forced_open');
  return { status: degraded ? 'DEGRADED' : 'UP', breakers };
}
