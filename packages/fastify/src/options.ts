import type { CircuitOpenError } from '@tripswitch/core';
import {
  type HttpAdapterOptions,
  type ResolvedHttpAdapterOptions,
  resolveHttpAdapterOptions,
  show,
} from '@tripswitch/core/http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/** Judges an admitted request: `error` is set when one reached Fastify's error handling. */
export type IsFailure = (request: FastifyRequest, reply: FastifyReply, error?: unknown) => boolean;
/**
 * Answers a rejected request itself, and may return a promise; a thrown error or a rejected promise goes
 * to Fastify's error handler.
 */
export type OnReject = (request: FastifyRequest, reply: FastifyReply, error: CircuitOpenError) => unknown;

/**
 * The options of one route's breaker, in its route config (`config: { breaker: { … } }`): the core breaker
 * options, plus how to name, judge and reject its requests. What is not given comes from the plugin's options.
 */
export interface RouteBreakerOptions extends HttpAdapterOptions<IsFailure, OnReject> {
  /**
   * The breaker's name. Routes given the same name share one breaker.
   * @defaultValue `<METHOD> <route url>`, e.g. `GET /api/users/:id` (with the prefixes of encapsulated plugins)
   */
  readonly name?: string;
  /**
   * Decides whether an admitted request counts as a failure: with the error when one reaches Fastify's
   * error handling (`onError`), else when the response has been sent (`onResponse`). A hook that throws
   * counts the request as a failure and is reported to `onListenerError`, else once through `console.error`.
   * @defaultValue an error, or a status >= 500; Fastify's own 4xx for an invalid request (schema validation,
   * body parsing) is not a failure
   */
  readonly isFailure?: IsFailure;
  /**
   * Answers a rejected request instead of the default 503 (it replaces `rejectWith`). It must send a reply;
   * if it throws or its promise rejects, the error goes to Fastify's error handler.
   */
  readonly onReject?: OnReject;
  /**
   * `'response'` sends the 503 JSON response; `'error'` passes the `CircuitOpenError` (with `statusCode`
   * 503 and `headers` holding `Retry-After`) to Fastify's error handler.
   * @defaultValue 'response'
   */
  readonly rejectWith?: 'response' | 'error';
}

/** Options of the {@link tripswitch} plugin: defaults for every route's breaker, and which routes get one. */
export interface TripswitchOptions extends RouteBreakerOptions {
  /**
   * Put every route registered after the plugin behind a breaker, not only those with `config.breaker`;
   * a route opts out with `config: { breaker: false }`.
   * @defaultValue false
   */
  readonly allRoutes?: boolean;
}

/** The value of a route's `config.breaker`. */
export type RouteBreakerConfig = boolean | RouteBreakerOptions;

/** @internal a route's resolved breaker options. */
export type ResolvedRouteOptions = ResolvedHttpAdapterOptions<IsFailure, OnReject>;

/** @internal the plugin's options, resolved once, and what a route's own options are merged onto. */
export interface ResolvedPluginOptions {
  readonly allRoutes: boolean;
  readonly defaults: ResolvedRouteOptions;
  /** The options as given, without `null`s and the plugin's own keys. */
  readonly given: Readonly<Record<string, unknown>>;
}

/**
 * Errors from Fastify itself about the request rather than the route: schema validation (`validation` is
 * set) and the content-type parsers (`FST_ERR_CTP_*`: body too large, unsupported media type, and on
 * Fastify 5 bad JSON, which Fastify 4 reports as a `SyntaxError` with `statusCode` 400).
 */
function isInvalidRequest(error: unknown): boolean {
  if (typeof error !== 'object' || error === null) return false;
  const { validation, code, statusCode } = error as {
    validation?: unknown;
    code?: unknown;
    statusCode?: unknown;
  };
  return (
    validation !== undefined ||
    (typeof code === 'string' && code.startsWith('FST_ERR_CTP_')) ||
    (error instanceof SyntaxError && statusCode === 400)
  );
}

const defaultIsFailure: IsFailure = (_request, reply, error) =>
  error !== undefined ? !isInvalidRequest(error) : reply.statusCode >= 500;

/** Fastify's own register options (it passes them on to the plugin): not breaker options. */
const REGISTER_KEYS: ReadonlySet<string> = new Set(['prefix', 'logLevel', 'logSerializers']);

function withoutNulls(options: object): Record<string, unknown> {
  const given: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(options)) if (value != null) given[key] = value;
  return given;
}

/**
 * @internal Validates the plugin options (every core and adapter option, at registration).
 * @throws TypeError or RangeError naming the option and the value.
 */
export function resolvePluginOptions(options: TripswitchOptions | undefined): ResolvedPluginOptions {
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new TypeError(`tripswitch options must be an object, got ${String(options)}`);
  }
  const given = withoutNulls(options ?? {});
  const allRoutes = given.allRoutes ?? false;
  if (typeof allRoutes !== 'boolean') {
    throw new TypeError(`allRoutes must be a boolean, got ${show(allRoutes)}`);
  }
  delete given.allRoutes;
  for (const key of REGISTER_KEYS) delete given[key];
  return { allRoutes, defaults: resolveHttpAdapterOptions(given, { isFailure: defaultIsFailure }), given };
}

/**
 * @internal The resolved options of a route's breaker, or `undefined` when the route has none: its
 * `config.breaker` merged onto the plugin's options. Errors name the route.
 * @throws TypeError or RangeError naming the route, the option and the value.
 */
export function resolveRouteOptions(
  plugin: ResolvedPluginOptions,
  config: unknown,
  route: string,
): ResolvedRouteOptions | undefined {
  if (config === false || (config == null && !plugin.allRoutes)) return undefined;
  if (config === true || config == null) return plugin.defaults;
  if (typeof config !== 'object') {
    throw new TypeError(
      `${route}: config.breaker must be true, false or breaker options, got ${show(config)}`,
    );
  }
  try {
    return resolveHttpAdapterOptions(
      { ...plugin.given, ...withoutNulls(config) },
      { isFailure: defaultIsFailure },
    );
  } catch (error) {
    if (!(error instanceof Error)) throw error;
    const Kind = error instanceof RangeError ? RangeError : TypeError;
    throw new Kind(`${route}: ${error.message}`, { cause: error });
  }
}
