import {
  type CircuitBreaker,
  type CircuitOpenError,
  isCircuitOpenError,
  type Permit,
} from '@tripswitch/core';
import { type ClientGuard, clientAttributes, createClientGuard, show } from '@tripswitch/core/http';
import axios, {
  type AxiosAdapter,
  type AxiosInstance,
  type AxiosRequestConfig,
  type AxiosResponse,
  type InternalAxiosRequestConfig,
} from 'axios';
import { axiosAnswers, isCancellation, isNotSent } from './classify.js';
import {
  type AxiosBreakerOptions,
  type FallbackResponse,
  type ResolvedAxiosOptions,
  resolveAxiosOptions,
} from './options.js';
import { requestUrl } from './request-url.js';

/** Removes what {@link withBreaker} installed; calling it again does nothing. */
export type DetachBreaker = () => void;

/**
 * The rejection of a request the breaker did not let through: core's `CircuitOpenError` (`code`
 * `'CIRCUIT_OPEN'`, `breakerName`, `state`, `retryAfterMs`, `kind`) carrying the request's `config`.
 */
export type AxiosCircuitOpenError = CircuitOpenError & { readonly config: InternalAxiosRequestConfig };

/**
 * True when `error` is the rejection of a request that a breaker did not let through. Like core's
 * `isCircuitOpenError` it checks `code`, so two copies of the package still agree, and it also checks
 * that the error carries the request's `config`.
 *
 * @example
 * ```ts
 * try {
 *   await http.get('/charges');
 * } catch (error) {
 *   if (isAxiosCircuitOpenError(error)) console.warn(`${error.config.url}: retry in ${error.retryAfterMs} ms`);
 * }
 * ```
 */
export function isAxiosCircuitOpenError(error: unknown): error is AxiosCircuitOpenError {
  if (!isCircuitOpenError(error)) return false;
  const config = (error as { config?: unknown }).config;
  return typeof config === 'object' && config !== null;
}

type AdapterConfig = AxiosRequestConfig['adapter'];

/** Each adapter this module installed → the adapter it wraps, and the defaults object it was put on. */
const installed = new WeakMap<AxiosAdapter, { readonly transport: AdapterConfig; readonly on: object }>();

/** One installation: its options, and the guard that names breakers and settles permits. */
interface Installation {
  readonly o: ResolvedAxiosOptions;
  readonly guard: ClientGuard<InternalAxiosRequestConfig>;
}

/**
 * Installs tripswitch on an Axios instance: every request goes through the breaker of its upstream
 * (by default one per origin), which rejects it with a `CircuitOpenError` before anything is sent while
 * the upstream is failing, and lets trial requests decide when it has recovered.
 *
 * It wraps the instance's adapter (`instance.defaults.adapter`), so admission happens exactly when a
 * request is about to be sent, after every request interceptor, and the permit is settled exactly once
 * where the adapter resolves or rejects. A request given its own `adapter` option bypasses the breaker,
 * as does every request after `instance.defaults.adapter` is replaced.
 *
 * @param instance - an Axios instance (`axios.create()`) or the default `axios` export.
 * @param options - core breaker options applied to each breaker it creates, plus {@link AxiosBreakerOptions}.
 * @returns a function that restores `instance.defaults.adapter` as it was.
 * @throws TypeError or RangeError at once for an invalid option (naming it and the value), a value that
 * is not an Axios instance, or an instance that already has a breaker installed.
 * @example
 * ```ts
 * import axios from 'axios';
 * import { withBreaker } from '@tripswitch/axios';
 *
 * const http = axios.create({ baseURL: 'https://payments.internal', timeout: 2000 });
 * const detach = withBreaker(http, { failureThreshold: 5, resetTimeout: 30_000 });
 * // ... later, to remove it:
 * detach();
 * ```
 */
export function withBreaker(instance: AxiosInstance, options?: AxiosBreakerOptions): DetachBreaker {
  const defaults = (instance as { defaults?: unknown } | null | undefined)?.defaults;
  if (
    (typeof instance !== 'function' && typeof instance !== 'object') ||
    typeof defaults !== 'object' ||
    defaults === null
  ) {
    throw new TypeError(`withBreaker(instance) needs an Axios instance, got ${show(instance)}`);
  }
  const o = resolveAxiosOptions(options);
  const target = defaults as { adapter?: AdapterConfig };
  const hadOwn = Object.hasOwn(target, 'adapter');
  const previous = target.adapter;
  const parent = typeof previous === 'function' ? installed.get(previous) : undefined;
  if (parent?.on === target) {
    throw new TypeError(
      'this Axios instance already has a tripswitch breaker: call its detach function first',
    );
  }
  // An instance made with `parent.create()` inherits the parent's adapter: wrap the transport beneath it,
  // so its requests do not go through two breakers.
  const transport = parent === undefined ? previous : parent.transport;
  const adapter = createBreakerAdapter(o, transport);
  installed.set(adapter, { transport, on: target });
  target.adapter = adapter;

  let attached = true;
  return function detachBreaker() {
    if (!attached) return;
    attached = false;
    // Replaced since (by a mock adapter, say): the new adapter stays.
    if (target.adapter !== adapter) return;
    if (hadOwn) target.adapter = previous;
    else delete target.adapter;
  };
}

function createBreakerAdapter(o: ResolvedAxiosOptions, transport: AdapterConfig): AxiosAdapter {
  const i: Installation = { o, guard: createClientGuard(o, 'withBreaker', 'config', axiosAnswers) };
  return function tripswitchAdapter(config) {
    try {
      const send = axios.getAdapter(transport ?? axios.defaults.adapter, config);
      if (config.breaker === false) return send(config);
      const url = requestUrl(config);
      const breaker = i.guard.breakerFor(config, url);
      // Not an absolute URL: Axios rejects the request without sending it; there is no upstream to guard.
      if (breaker === undefined) return send(config);
      const permit = breaker.admit({ attributes: clientAttributes(config.method, url) });
      if (isCircuitOpenError(permit)) return rejected(o, permit, config);
      return admitted(i, breaker, permit, send, config);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}

function rejected(
  o: ResolvedAxiosOptions,
  error: unknown,
  config: InternalAxiosRequestConfig,
): Promise<AxiosResponse> {
  if (!isCircuitOpenError(error)) return Promise.reject(error);
  // Not enumerable, like a cause: loggers that walk own properties should not dump the whole config.
  Object.defineProperty(error, 'config', { value: config, writable: true, configurable: true });
  if (o.fallback !== undefined) return fallbackResponse(o, error, config);
  return Promise.reject(error);
}

function admitted(
  i: Installation,
  breaker: CircuitBreaker<never>,
  permit: Permit,
  send: AxiosAdapter,
  config: InternalAxiosRequestConfig,
): Promise<AxiosResponse> {
  let pending: Promise<AxiosResponse>;
  try {
    // Inside the breaker's call span when `traceCalls` is on, so the HTTP client span is its child.
    pending = Promise.resolve(permit.run(() => send(config)));
  } catch (error) {
    pending = Promise.reject(error);
  }
  return pending.then(
    function onAnswer(response) {
      i.guard.answered(breaker, permit, response);
      return response;
    },
    function onError(error: unknown) {
      const skip = isCancellation(error, config) || isNotSent(error);
      const outcome = i.guard.failed(breaker, permit, error, skip);
      if (outcome === 'failure' && i.o.fallback !== undefined) return fallbackResponse(i.o, error, config);
      throw error;
    },
  );
}

async function fallbackResponse(
  o: ResolvedAxiosOptions,
  error: unknown,
  config: InternalAxiosRequestConfig,
): Promise<AxiosResponse> {
  const value: unknown = await o.fallback!(error, config);
  if (typeof value !== 'object' || value === null || !('data' in value)) {
    throw new TypeError(
      `fallback must return (or resolve to) { data, status?, statusText?, headers? }, got ${show(value)}`,
    );
  }
  const r = value as FallbackResponse;
  return {
    data: r.data,
    status: r.status ?? 200,
    statusText: r.statusText ?? 'OK',
    headers: { ...r.headers },
    config,
    request: undefined,
  };
}
