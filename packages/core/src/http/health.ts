import type { BreakerMetrics } from '../circuit-breaker.js';
import { show } from '../options.js';
import type { BreakerRegistry } from '../registry.js';
import { checkRegistry } from './check-registry.js';

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
  /**
   * `getMetrics()` of every breaker in the registry, by name, with `retryAfterMs` rounded up to whole
   * milliseconds (`null` in JSON while forced open: there is no known end).
   */
  readonly breakers: Record<string, BreakerMetrics>;
}

const HEALTH_OPTIONS: ReadonlySet<string> = new Set(['registry', 'failWhenOpen']);

/**
 * Validates the options of an HTTP adapter's `breakerHealth()` and applies the defaults. As everywhere,
 * `null` means "not given"; an unknown option (a typo such as `fialWhenOpen`) throws.
 *
 * @defaultValue `{ registry: defaultRegistry, failWhenOpen: false }`
 * @throws TypeError when `options` is not an object, an option is unknown, `registry` is not a
 *   `BreakerRegistry` or `failWhenOpen` is not a boolean.
 * @example
 * ```ts
 * const { registry, failWhenOpen } = resolveHealthOptions({ failWhenOpen: true });
 * ```
 */
export function resolveHealthOptions(options: BreakerHealthOptions = {}): Required<BreakerHealthOptions> {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new TypeError(`breakerHealth options must be an object, got ${show(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!HEALTH_OPTIONS.has(key)) {
      throw new TypeError(`unknown breakerHealth option "${key}" (known: registry, failWhenOpen)`);
    }
  }
  const registry = checkRegistry(options.registry);
  const failWhenOpen = options.failWhenOpen ?? false;
  if (typeof failWhenOpen !== 'boolean') {
    throw new TypeError(`failWhenOpen must be a boolean, got ${show(failWhenOpen)}`);
  }
  return { registry, failWhenOpen };
}

/**
 * Reports every breaker of a registry, for a health or status endpoint: `DEGRADED` while any of them
 * rejects calls (`open` or `forced_open`), else `UP` (`half_open` admits trials, so it is `UP`).
 * `retryAfterMs` is rounded up to whole milliseconds (a test clock or `performance.now()` gives
 * fractions nobody wants in a health body or a log line; rounding up never tells a client to come back
 * before the breaker admits trials).
 *
 * @example
 * ```ts
 * const report = healthReport(defaultRegistry);
 * const status = report.status === 'DEGRADED' && failWhenOpen ? 503 : 200;
 * ```
 */
export function healthReport(registry: BreakerRegistry): BreakerHealthBody {
  const breakers = registry.snapshot();
  let degraded = false;
  for (const [name, m] of Object.entries(breakers)) {
    if (m.state === 'open' || m.state === 'forced_open') degraded = true;
    if (Number.isFinite(m.retryAfterMs) && !Number.isInteger(m.retryAfterMs)) {
      breakers[name] = { ...m, retryAfterMs: Math.ceil(m.retryAfterMs) };
    }
  }
  return { status: degraded ? 'DEGRADED' : 'UP', breakers };
}
