import {
  type BreakerRegistry,
  type CircuitBreakerOptions,
  type CircuitOpenError,
  defaultRegistry,
  validateBreakerOptions,
} from '@tripswitch/core';
import type { Context } from 'koa';

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

/** Options of {@link breaker}: the core breaker options, plus how to name, judge and reject requests. */
export interface BreakerMiddlewareOptions
  extends Omit<CircuitBreakerOptions, 'name' | 'isFailure' | (typeof EXECUTE_ONLY)[number]> {
  /**
   * The breaker's name. Every route using this middleware instance then shares one breaker.
   * @defaultValue `<METHOD> <route template>` from `@koa/router`, e.g. `GET /api/users/:id`
   */
  readonly name?: string;
  /** Where breakers are created and looked up by name. @defaultValue `defaultRegistry` from `@tripswitch/core` */
  readonly registry?: BreakerRegistry;
  /**
   * Decides whether a request counts as a failure: with the error when the rest of the chain throws, else
   * after it returns (`ctx.status` is final by then). A hook that throws counts the request as a failure and
   * is reported once through `console.error`.
   * @defaultValue `error !== undefined || ctx.status >= 500`
   */
  readonly isFailure?: (ctx: Context, error?: unknown) => boolean;
  /** Answers a rejected request instead of the default 503 (it replaces `rejectWith`). */
  readonly onReject?: (ctx: Context, error: CircuitOpenError) => void | Promise<void>;
  /**
   * `'response'` sends the 503 JSON response; `'error'` throws the `CircuitOpenError` (with `status`,
   * `expose`, `retryAfter` and `headers` set) for Koa's error handling.
   * @defaultValue 'response'
   */
  readonly rejectWith?: 'response' | 'error';
}

/** @internal options after validation. */
export interface ResolvedMiddlewareOptions {
  readonly name: string | undefined;
  readonly registry: BreakerRegistry;
  readonly isFailure: (ctx: Context, error?: unknown) => boolean;
  readonly onReject: BreakerMiddlewareOptions['onReject'];
  readonly rejectWith: 'response' | 'error';
  /** What is left for the core: passed to `registry.get()` when a route's breaker is created. */
  readonly core: Omit<CircuitBreakerOptions, 'name'>;
}

const defaultIsFailure = (ctx: Context, error?: unknown): boolean => error !== undefined || ctx.status >= 500;

function show(value: unknown): string {
  return typeof value === 'string'
    ? JSON.stringify(value)
    : typeof value === 'function'
      ? 'a function'
      : String(value);
}

function checkFunction<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${option} must be a function, got ${show(value)}`);
  }
  return value;
}

/** @internal checks a registry by shape, so a registry from another copy of the core is accepted. */
export function checkRegistry(value: unknown): BreakerRegistry {
  if (value === undefined) return defaultRegistry;
  const r = value as Partial<BreakerRegistry> | null;
  if (typeof r?.get !== 'function' || typeof r.snapshot !== 'function') {
    throw new TypeError(`registry must be a BreakerRegistry, got ${show(value)}`);
  }
  return value as BreakerRegistry;
}

/**
 * @internal Validates the middleware options and splits them from the core's, which are validated too, so
 * every bad option throws when the middleware is created rather than on the first request.
 * @throws TypeError or RangeError naming the option and the value.
 */
export function resolveOptions(options: BreakerMiddlewareOptions = {}): ResolvedMiddlewareOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`breaker options must be an object, got ${show(options)}`);
  }
  // As in the core: `null` means "not given", like `undefined`.
  const o: BreakerMiddlewareOptions & Record<string, unknown> = {};
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
    isFailure: checkFunction('isFailure', o.isFailure) ?? defaultIsFailure,
    onReject: checkFunction('onReject', o.onReject),
    rejectWith: o.rejectWith ?? 'response',
    core,
  };
}
