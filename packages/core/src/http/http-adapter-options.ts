import { checkBoolean, checkHook, checkTimerDuration, show } from '../check.js';
import { type CircuitBreakerOptions, validateBreakerOptions } from '../options.js';
import type { BreakerRegistry } from '../registry.js';
import { checkRegistry } from './check-registry.js';

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
  'deadline',
  'ignoreCircuitOpen',
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
  /**
   * Milliseconds after admission by which a request must be answered: one still unanswered then counts as
   * a failure (a `CallTimeoutError`, as `execute()`'s `timeout`), decided there, so a hung route trips even
   * when its clients give up first. The request itself is left alone (the late answer is still sent, and
   * changes nothing). Costs a timer per admitted request.
   * @defaultValue no deadline
   */
  readonly deadline?: number;
  /**
   * Ignore a request that failed with a `CircuitOpenError` (a breaker the handler called, such as an
   * upstream's from `@tripswitch/axios`, was open): neither a failure nor a success of the route, so one
   * upstream outage does not trip every route that calls it. `false` leaves it to `isFailure`.
   * @defaultValue true
   */
  readonly ignoreCircuitOpen?: boolean;
}

/** {@link HttpAdapterOptions} after {@link resolveHttpAdapterOptions}: validated, defaults applied. */
export interface ResolvedHttpAdapterOptions<F, R> {
  /** `undefined` when not given: the adapter names each route's breaker itself. */
  readonly name: string | undefined;
  readonly registry: BreakerRegistry;
  readonly isFailure: F;
  readonly onReject: R | undefined;
  readonly rejectWith: 'response' | 'error';
  readonly deadline: number | undefined;
  readonly ignoreCircuitOpen: boolean;
  /** What is left for the core: passed to `registry.get()` when a route's breaker is created. */
  readonly core: Omit<CircuitBreakerOptions, 'name'>;
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
    throw new TypeError(`breaker options must be an object, got ${show(options)}`);
  }
  const o: HttpAdapterOptions<F, R> & Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value != null) o[key] = value;
  for (const key of EXECUTE_ONLY) {
    if (o[key] !== undefined) {
      throw new TypeError(
        `${key} applies to execute() and has no effect on a middleware, got ${show(o[key])}`,
      );
    }
  }
  if (o.name !== undefined && (typeof o.name !== 'string' || o.name.length === 0)) {
    throw new TypeError(`name must be a non-empty string, got ${show(o.name)}`);
  }
  if (o.rejectWith !== undefined && o.rejectWith !== 'response' && o.rejectWith !== 'error') {
    throw new TypeError(`rejectWith must be 'response' or 'error', got ${show(o.rejectWith)}`);
  }
  const core: Record<string, unknown> = {};
  for (const key of Object.keys(o)) if (!ADAPTER_KEYS.has(key)) core[key] = o[key];
  validateBreakerOptions(core);
  return {
    name: o.name,
    registry: checkRegistry(o.registry),
    isFailure: checkHook('isFailure', o.isFailure) ?? defaults.isFailure,
    onReject: checkHook('onReject', o.onReject),
    rejectWith: o.rejectWith ?? 'response',
    deadline: o.deadline === undefined ? undefined : checkTimerDuration('deadline', o.deadline, true),
    ignoreCircuitOpen: checkBoolean('ignoreCircuitOpen', o.ignoreCircuitOpen, true),
    core,
  };
}
