import type { BreakerMetrics, BreakerRegistry } from '@tripswitch/core';
import type { Middleware } from 'koa';
import { checkRegistry } from './options.js';

/** Options of {@link breakerHealth}. */
export interface BreakerHealthOptions {
  /** The breakers to report. @defaultValue `defaultRegistry` from `@tripswitch/core` */
  readonly registry?: BreakerRegistry;
  /** Answer 503 instead of 200 while the status is `DEGRADED`. @defaultValue false */
  readonly failWhenOpen?: boolean;
}

/** The JSON body {@link breakerHealth} sends. */
export interface BreakerHealthBody {
  /** `DEGRADED` when any breaker rejects calls (`open` or `forced_open`); `half_open` is `UP`. */
  readonly status: 'UP' | 'DEGRADED';
  /** `getMetrics()` of every breaker in the registry, by name (`retryAfterMs` is `null` while forced open). */
  readonly breakers: Record<string, BreakerMetrics>;
}

/**
 * Creates a middleware that answers with every breaker of a registry as a {@link BreakerHealthBody}, for a
 * health or status endpoint.
 *
 * @throws TypeError when an option is invalid.
 * @example
 * ```ts
 * router.get('/health/breakers', breakerHealth({ failWhenOpen: true }));
 * ```
 */
export function breakerHealth(options: BreakerHealthOptions = {}): Middleware {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(`breakerHealth options must be an object, got ${String(options)}`);
  }
  const registry = checkRegistry(options.registry);
  const failWhenOpen = options.failWhenOpen ?? false;
  if (typeof failWhenOpen !== 'boolean') {
    throw new TypeError(`failWhenOpen must be a boolean, got ${String(failWhenOpen)}`);
  }
  return async function tripswitchHealth(ctx) {
    const breakers = registry.snapshot();
    const degraded = Object.values(breakers).some((m) => m.state === 'open' || m.state === 'forced_open');
    const body: BreakerHealthBody = { status: degraded ? 'DEGRADED' : 'UP', breakers };
    ctx.status = degraded && failWhenOpen ? 503 : 200;
    ctx.body = body;
  };
}
