import {
  BreakerRegistry,
  type CircuitBreakerOptions,
  defaultRegistry,
  validateBreakerOptions,
} from '@tripswitch/core';
import type { InternalAxiosRequestConfig } from 'axios';

declare module 'axios' {
  interface AxiosRequestConfig {
    /**
     * `false` sends this request without a breaker: it is never rejected and its outcome is not
     * counted (health checks, or the one request that must go out even while the circuit is open).
     * @defaultValue true
     */
    breaker?: boolean;
  }
}

/**
 * What a {@link AxiosBreakerOptions.fallback} returns: the request resolves with an Axios response built
 * from it (`status` 200, `statusText` `'OK'` and empty `headers` unless given), and response
 * interceptors see it like any other response.
 */
export interface FallbackResponse<T = unknown> {
  /** Becomes `response.data`. */
  readonly data: T;
  /** @defaultValue 200 */
  readonly status?: number;
  /** @defaultValue 'OK' */
  readonly statusText?: string;
  /** @defaultValue `{}` */
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * The core breaker options `withBreaker` passes to each breaker it creates. Left out: `name` (set per
 * upstream by `key`), `isFailure` and `fallback` (replaced by the Axios-aware versions below), `timeout`
 * (use Axios's own `timeout`: a timed-out request counts as a failure), `isResultFailure` (use
 * `isFailure`, which also sees responses) and `initialState` (one snapshot cannot restore many breakers;
 * restore one with `registry.get(name, { initialState })` before the first request).
 */
export type BreakerOptionsForAxios = Omit<
  CircuitBreakerOptions<never>,
  'name' | 'isFailure' | 'fallback' | 'timeout' | 'isResultFailure' | 'initialState'
>;

/** Options of `withBreaker`: every core breaker option it can apply, plus the Axios-specific ones. */
export interface AxiosBreakerOptions extends BreakerOptionsForAxios {
  /**
   * Names the breaker a request goes through; requests with the same key share one breaker. A key that
   * throws or is not a non-empty string rejects the request (nothing is sent).
   * @defaultValue the origin of the request's URL (`baseURL` + `url`), `scheme://host:port` with the
   * default port filled in, so each upstream gets its own breaker
   * @example
   * ```ts
   * // One breaker per method and route template instead of per origin:
   * withBreaker(http, { key: (config) => `${config.method} ${config.url?.replace(/\/\d+/g, '/:id')}` });
   * ```
   */
  readonly key?: (config: InternalAxiosRequestConfig) => string;
  /**
   * Where the breakers live: two instances installed with the same registry share the breaker of an
   * upstream, and the options of whichever created it first apply.
   * @defaultValue `defaultRegistry` from `@tripswitch/core`
   */
  readonly registry?: BreakerRegistry;
  /**
   * Decides whether an answer counts as a failure: it receives the `AxiosResponse` when Axios resolved,
   * or the error when it rejected. Cancelled requests and requests that were never sent (invalid
   * options) are ignored before it is asked. A hook that throws counts the call as a failure and is
   * reported through `onListenerError`.
   * @defaultValue {@link defaultIsFailure}: network errors, HTTP 5xx and 429
   */
  readonly isFailure?: (errorOrResponse: unknown) => boolean;
  /**
   * Resolves the request instead of rejecting it when the breaker rejects it (the error is the
   * `CircuitOpenError`) or when it counts the call as a failure. Ignored calls and non-failures reject as
   * usual. The failure is still recorded; a fallback that throws rejects the request with its error.
   * @defaultValue none: the request rejects
   */
  readonly fallback?: (
    error: unknown,
    config: InternalAxiosRequestConfig,
  ) => FallbackResponse | PromiseLike<FallbackResponse>;
  /**
   * When a failing 429 or 503 carries `Retry-After` (seconds or an HTTP date), keep the circuit open for
   * at least that long through `breaker.openFor(ms, { reason: 'retry_after' })`: it opens a closed circuit
   * (reason `retry_after`) and lengthens an open period that is shorter, never shortening one.
   * @defaultValue true
   */
  readonly respectRetryAfter?: boolean;
}

/** @internal options after validation, with defaults applied. */
export interface ResolvedAxiosOptions {
  readonly key: (config: InternalAxiosRequestConfig) => string | undefined;
  readonly customKey: boolean;
  readonly registry: BreakerRegistry;
  readonly isFailure: ((errorOrResponse: unknown) => boolean) | undefined;
  readonly fallback: AxiosBreakerOptions['fallback'];
  readonly respectRetryAfter: boolean;
  readonly ignore: ((error: unknown) => boolean) | undefined;
  readonly onListenerError: CircuitBreakerOptions['onListenerError'];
  /** What is passed to `registry.get` for each new breaker. */
  readonly breakerOptions: BreakerOptionsForAxios;
}

/** The defaults of the Axios-specific options. */
export const AXIOS_DEFAULTS = Object.freeze({
  respectRetryAfter: true,
});

const ADAPTER_KEYS: ReadonlySet<string> = new Set([
  'key',
  'registry',
  'isFailure',
  'fallback',
  'respectRetryAfter',
]);

const NOT_FOR_AXIOS: Readonly<Record<string, string>> = {
  name: 'breakers are named per upstream by `key`',
  timeout: "use Axios's own `timeout` option: a timed-out request counts as a failure",
  isResultFailure: 'use `isFailure`, which receives responses as well as errors',
  initialState: 'restore a breaker with `registry.get(name, { initialState })` before the first request',
};

/** Port of each scheme when the URL does not give one (the WHATWG URL parser leaves `port` empty). */
const DEFAULT_PORTS: Readonly<Record<string, string>> = {
  'http:': '80',
  'https:': '443',
  'ws:': '80',
  'wss:': '443',
  'ftp:': '21',
};

/** @internal formats a bad value for an error message. */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return 'an array';
  if (value === null) return 'null';
  if (typeof value === 'object') {
    try {
      return JSON.stringify(value);
    } catch {
      return 'an object';
    }
  }
  return String(value);
}

function checkFunction<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${option} must be a function, got ${show(value)}`);
  }
  return value;
}

/** Core's `ignore` as a predicate, as core applies it (a list of classes, or a predicate). */
function ignorePredicate(value: CircuitBreakerOptions['ignore']): ((error: unknown) => boolean) | undefined {
  if (value === undefined) return undefined;
  if (typeof value === 'function') return value as (error: unknown) => boolean;
  if (value.length === 0) return undefined;
  const classes = [...value];
  return (error) => classes.some((cls) => error instanceof cls);
}

/**
 * @internal Validates `withBreaker` options and applies defaults. The core options are checked here, at
 * install time, although breakers are only created on the first request to each upstream.
 * @throws TypeError or RangeError naming the option and the bad value.
 */
export function resolveAxiosOptions(options: AxiosBreakerOptions | undefined): ResolvedAxiosOptions {
  if (options === undefined) options = {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`withBreaker options must be an object, got ${show(options)}`);
  }
  const breakerOptions: Record<string, unknown> = {};
  for (const [option, value] of Object.entries(options)) {
    const why = NOT_FOR_AXIOS[option];
    if (why !== undefined && value !== undefined) {
      throw new TypeError(`${option} is not an option of withBreaker (got ${show(value)}): ${why}`);
    }
    if (why === undefined && !ADAPTER_KEYS.has(option)) breakerOptions[option] = value;
  }
  validateBreakerOptions(breakerOptions);

  const key = checkFunction('key', options.key);
  const registry = options.registry ?? defaultRegistry;
  if (!(registry instanceof BreakerRegistry)) {
    throw new TypeError(`registry must be a BreakerRegistry, got ${show(registry)}`);
  }
  const respectRetryAfter = options.respectRetryAfter ?? AXIOS_DEFAULTS.respectRetryAfter;
  if (typeof respectRetryAfter !== 'boolean') {
    throw new TypeError(`respectRetryAfter must be a boolean, got ${show(respectRetryAfter)}`);
  }
  return {
    key: key ?? originKey,
    customKey: key !== undefined,
    registry,
    isFailure: checkFunction('isFailure', options.isFailure),
    fallback: checkFunction('fallback', options.fallback),
    respectRetryAfter,
    ignore: ignorePredicate(options.ignore),
    onListenerError: options.onListenerError,
    breakerOptions: breakerOptions as BreakerOptionsForAxios,
  };
}

/** Axios's `isAbsoluteURL`: a scheme followed by `//`, or a protocol-relative `//`. */
const ABSOLUTE_URL = /^([a-z][a-z\d+\-.]*:)?\/\//i;

/**
 * @internal The URL a request goes to, resolved the way Axios resolves it (`baseURL` + `url`, honouring
 * `allowAbsoluteUrls`), or `undefined` when it is not an absolute URL: then Axios itself rejects the
 * request before sending anything.
 */
export function requestUrl(config: InternalAxiosRequestConfig): URL | undefined {
  const url = config.url ?? '';
  const base = config.baseURL;
  let full = url;
  if (base && (!ABSOLUTE_URL.test(url) || config.allowAbsoluteUrls === false)) {
    full = url ? `${base.replace(/\/?\/$/, '')}/${url.replace(/^\/+/, '')}` : base;
  }
  try {
    return new URL(full);
  } catch {
    return undefined;
  }
}

/** @internal the URL's port, or its scheme's default port; `undefined` for an unknown scheme without one. */
export function portOf(url: URL): string | undefined {
  return url.port || DEFAULT_PORTS[url.protocol];
}

/** @internal `scheme://host:port` of a URL, with the scheme's default port filled in. */
export function originOf(url: URL): string {
  const port = portOf(url);
  return port === undefined ? `${url.protocol}//${url.hostname}` : `${url.protocol}//${url.hostname}:${port}`;
}

/**
 * The default `key`: the origin of the request's URL, `scheme://host:port` with the default port
 * filled in (`https://payments.internal:443`), or `undefined` when the URL is not absolute (the request
 * then goes out without a breaker, and Axios rejects it as invalid).
 *
 * @example
 * ```ts
 * originKey({ baseURL: 'https://api.example.com/v1', url: 'users', headers: new AxiosHeaders() });
 * // 'https://api.example.com:443'
 * ```
 */
export function originKey(config: InternalAxiosRequestConfig): string | undefined {
  const url = requestUrl(config);
  return url === undefined ? undefined : originOf(url);
}
