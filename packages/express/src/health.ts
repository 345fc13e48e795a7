import { type BreakerHealthOptions, healthReport, resolveHealthOptions } from '@tripswitch/core/http';
import type { RequestHandler } from 'express';
import { sendJson } from './respond.js';

/**
 * Creates a handler that reports every breaker of a registry as a `BreakerHealthBody`, for a health
 * or status endpoint.
 *
 * @throws TypeError when an option is invalid.
 * @example
 * ```ts
 * app.get('/health/breakers', breakerHealth({ failWhenOpen: true }));
 * ```
 */
export function breakerHealth(options?: BreakerHealthOptions): RequestHandler {
  const { registry, failWhenOpen } = resolveHealthOptions(options);
  return function tripswitchHealth(_req, res) {
    const body = healthReport(registry);
    sendJson(res, body.status === 'DEGRADED' && failWhenOpen ? 503 : 200, body);
  };
}
