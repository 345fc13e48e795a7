import { checkBoolean, checkDuration, checkHook, show } from '../check.js';
import { type CircuitBreakerOptions, validateBreakerOptions } from '../options.js';
import type { BreakerRegistry } from '../registry.js';
import { checkRegistry } from './check-registry.js';
import { DEFAULT_MAX_RETRY_AFTER } from './retry-after.js';

/**
 * The core breaker options an HTTP client adapter passes to each breaker it creates. Left out: `name`
 * (set per upstream by `key`), `isFailure` and `fallback` (the client adapter has its own, which see
 * responses), `timeout` (the client's own timeout counts as a failure), `isResultFailure` (use
 * `isFailure`) and `initialState` (one snapshot cannot restore many breakers).
 */
export type BreakerOptionsForClient = Omit<
  CircuitBreakerOptions<never>,
  'name' | 'isFailure' | 'fallback' | 'timeout' | 'isResultFailure' | 'initialState'
>;

/**
 * Options every HTTP client adapter shares. `Req` is the client's request (Axios's config, a fetch
 * `Request`) and `Res` what a fallback resolves to, so this module needs no client's types.
 */
export interface HttpClientOptions<Req, Res> extends BreakerOptionsForClient {
  /** Names the breaker a request goes through. @defaultValue the request URL's origin (see `originOf`) */
  readonly key?: (request: Req) => string;
  /** Where the breakers live. @defaultValue `defaultRegistry` from `@tripswitch/core` */
  readonly registry?: BreakerRegistry;
  /** Decides whether an answer (a response or an error) counts as a failure. @defaultValue the adapter's */
  readonly isFailure?: (errorOrResponse: unknown) => boolean;
  /** Answers instead of a rejection or a failure. @defaultValue none */
  readonly fallback?: (error: unknown, request: Req) => Res | PromiseLike<Res>;
  /** Keep the circuit open as long as a failing 429 or 503 asks with `Retry-After`. @defaultValue true */
  readonly respectRetryAfter?: boolean;
  /**
   * The longest open period a `Retry-After` can ask for, in ms; a longer one opens for this long.
   * @defaultValue 600000 (10 minutes, {@link DEFAULT_MAX_RETRY_AFTER})
   */
  readonly maxRetryAfter?: number;
}

/** {@link HttpClientOptions} after {@link resolveHttpClientOptions}: validated, defaults applied. */
export interface ResolvedHttpClientOptions<Req, Res> {
  /** `undefined` when not given: the adapter names breakers by origin. */
  readonly key: ((request: Req) => string) | undefined;
  readonly registry: BreakerRegistry;
  readonly isFailure: ((errorOrResponse: unknown) => boolean) | undefined;
  readonly fallback: ((error: unknown, request: Req) => Res | PromiseLike<Res>) | undefined;
  readonly respectRetryAfter: boolean;
  readonly maxRetryAfter: number;
  /** Core's `ignore` as one predicate (a list of classes becomes an `instanceof` test). */
  readonly ignore: ((error: unknown) => boolean) | undefined;
  readonly onListenerError: CircuitBreakerOptions['onListenerError'];
  /** What is passed to `registry.get()` for each new breaker. */
  readonly core: BreakerOptionsForClient;
}

/** The defaults of the options every HTTP client adapter shares. */
export const CLIENT_DEFAULTS = Object.freeze({
  respectRetryAfter: true,
  /** 10 minutes: a longer `Retry-After` opens the circuit for this long. */
  maxRetryAfter: DEFAULT_MAX_RETRY_AFTER,
});

/**
 * The core options no HTTP client adapter applies, each with what to use instead, for
 * {@link resolveHttpClientOptions}'s `refused`. Only the advice for `timeout` differs between clients.
 *
 * @param timeout - What to use instead of `timeout` with this client.
 * @example
 * ```ts
 * resolveHttpClientOptions(options, { name: 'withBreaker', refused: refusedClientOptions("use Axios's own `timeout`") });
 * ```
 */
export function refusedClientOptions(timeout: string): Readonly<Record<string, string>> {
  return {
    name: 'breakers are named per upstream by `key`',
    timeout,
    isResultFailure: 'use `isFailure`, which receives responses as well as errors',
    initialState: 'restore a breaker with `registry.get(name, { initialState })` before the first request',
  };
}

const CLIENT_KEYS: ReadonlySet<string> = new Set([
  'key',
  'registry',
  'isFailure',
  'fallback',
  'respectRetryAfter',
  'maxRetryAfter',
]);

function ignorePredicate(value: CircuitBreakerOptions['ignore']): ((error: unknown) => boolean) | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as (error: unknown) => boolean;
  if (value.length === 0) return undefined;
  const classes = [...value];
  return (error) => classes.some((cls) => error instanceof cls);
}

/**
 * Validates the options of an HTTP client adapter and splits them from the core's, which are validated
 * too, at install time (breakers are only created on the first request to each upstream). `null` means
 * "not given", as in the core.
 *
 * @param options - What the user passed.
 * @param adapter - The adapter's function name (for messages) and the core options it refuses, each with
 *   the reason to show (`timeout: "use Axios's own timeout option"`).
 * @throws TypeError or RangeError naming the option and the value.
 * @example
 * ```ts
 * const o = resolveHttpClientOptions({ failureThreshold: 3 }, { name: 'withBreaker', refused: {} });
 * const upstream = o.registry.get('https://api.example.com:443', o.core);
 * ```
 */
export function resolveHttpClientOptions<Req, Res>(
  options: HttpClientOptions<Req, Res> | undefined,
  adapter: { readonly name: string; readonly refused: Readonly<Record<string, string>> },
): ResolvedHttpClientOptions<Req, Res> {
  if (options === undefined || options === null) options = {};
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new TypeError(`${adapter.name} options must be an object, got ${show(options)}`);
  }
  const o: Record<string, unknown> = {};
  const core: Record<string, unknown> = {};
  for (const [option, value] of Object.entries(options)) {
    if (value === undefined || value === null) continue;
    const why = adapter.refused[option];
    if (why !== undefined) {
      throw new TypeError(`${option} is not an option of ${adapter.name} (got ${show(value)}): ${why}`);
    }
    if (CLIENT_KEYS.has(option)) o[option] = value;
    else core[option] = value;
  }
  validateBreakerOptions(core);
  const given = core as CircuitBreakerOptions;
  return {
    key: checkHook('key', o.key as ((request: Req) => string) | undefined),
    registry: checkRegistry(o.registry),
    isFailure: checkHook('isFailure', o.isFailure as (errorOrResponse: unknown) => boolean),
    fallback: checkHook('fallback', o.fallback as ResolvedHttpClientOptions<Req, Res>['fallback']),
    respectRetryAfter: checkBoolean(
      'respectRetryAfter',
      o.respectRetryAfter,
      CLIENT_DEFAULTS.respectRetryAfter,
    ),
    maxRetryAfter:
      o.maxRetryAfter === undefined
        ? CLIENT_DEFAULTS.maxRetryAfter
        : checkDuration('maxRetryAfter', o.maxRetryAfter, true),
    ignore: ignorePredicate(given.ignore),
    onListenerError: given.onListenerError,
    core: core as BreakerOptionsForClient,
  };
}
