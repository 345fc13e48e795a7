import { checkCount, show } from '../check.js';
import { type BreakerRegistry, defaultRegistry } from '../registry.js';

/**
 * Options of a status page: `createStatusPage()` here, `breakerStatusPage()` in the server adapters.
 * `T` is what `authorize` is given: the framework's request (Express) or context (Koa).
 */
export interface StatusPageOptions<T = unknown> {
  /** The breakers to show. @defaultValue `defaultRegistry` */
  readonly registry?: BreakerRegistry;
  /**
   * Where the page lives: the page at `<basePath>/`, the stream at `<basePath>/stream`, the JSON at
   * `<basePath>/snapshot.json`. Relative to where the handler is mounted; the page itself uses relative
   * URLs only, so it also works behind a prefix or a reverse proxy.
   * @defaultValue '/breakers'
   */
  readonly basePath?: string;
  /**
   * Decides, per request, whether it may use the control buttons (force open, close, disable). Without
   * it the page is read-only and every action is refused with 403. A hook that throws or rejects counts
   * as `false`.
   * @defaultValue none: read-only
   */
  readonly authorize?: (request: T) => boolean | Promise<boolean>;
  /** The most live pages at once; the next stream request is answered 503. @defaultValue 20 */
  readonly maxClients?: number;
}

/** {@link StatusPageOptions} after {@link resolveStatusPageOptions}. */
export interface ResolvedStatusPageOptions<T> {
  readonly registry: BreakerRegistry;
  /** Normalised: starts with `/`, no trailing `/` (`''` when mounted at the root). */
  readonly basePath: string;
  readonly authorize: ((request: T) => boolean | Promise<boolean>) | undefined;
  readonly maxClients: number;
}

/** The defaults of {@link StatusPageOptions}. */
export const STATUS_PAGE_DEFAULTS = Object.freeze({ basePath: '/breakers', maxClients: 20 });

/**
 * Validates the options of a status page and applies the defaults; `null` means "not given".
 *
 * @throws TypeError or RangeError naming the option and the value (`maxClients must be an integer >= 1, got 0`).
 * @example
 * ```ts
 * const o = resolveStatusPageOptions({ basePath: '/ops/breakers/' }); // o.basePath === '/ops/breakers'
 * ```
 */
export function resolveStatusPageOptions<T>(
  options: StatusPageOptions<T> = {},
): ResolvedStatusPageOptions<T> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`status page options must be an object, got ${show(options)}`);
  }
  const registry = options.registry ?? defaultRegistry;
  const r = registry as Partial<BreakerRegistry> | null;
  if (typeof r?.all !== 'function' || typeof r.get !== 'function') {
    throw new TypeError(`registry must be a BreakerRegistry, got ${show(registry)}`);
  }
  const basePath = options.basePath ?? STATUS_PAGE_DEFAULTS.basePath;
  if (typeof basePath !== 'string' || !/^\/[\w\-./~%]*$/.test(basePath) || basePath.includes('//')) {
    throw new TypeError(`basePath must be a path starting with "/", got ${show(basePath)}`);
  }
  const authorize = options.authorize ?? undefined;
  if (authorize !== undefined && typeof authorize !== 'function') {
    throw new TypeError(`authorize must be a function, got ${show(authorize)}`);
  }
  return {
    registry,
    basePath: basePath.replace(/\/+$/, ''),
    authorize,
    maxClients: checkCount('maxClients', options.maxClients ?? STATUS_PAGE_DEFAULTS.maxClients),
  };
}
