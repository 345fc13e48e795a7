import { type BreakerHealthOptions, healthReport, resolveHealthOptions } from '@tripswitch/core/http';
import type { Middleware } from 'koa';

/**
 * Creates a middleware that answers with every breaker of a registry as a `BreakerHealthBody`, for a
 * health or status endpoint.
 *
 * @throws TypeError when an option is invalid.
 * @example
 * ```ts
 * router.get('/health/breakers', breakerHealth({ failWhenOpen: true }));
 * ```
 */
export function breakerHealth(options?: BreakerHealthOptions): Middleware {
  const { registry, failWhenOpen } = resolveHealthOptions(options);
  return async function tripswitchHealth(ctx) {
    const body = healthReport(registry);
    ctx.status = body.status === 'DEGRADED' && failWhenOpen ? 503 : 200;
    ctx.body = body;
  };
}
