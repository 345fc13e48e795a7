import { type BreakerHealthOptions, healthReport, resolveHealthOptions } from '@tripswitch/core/http';
import type { FastifyReply, FastifyRequest } from 'fastify';

/**
 * Creates a route handler that reports every breaker of a registry as a `BreakerHealthBody`, for a health
 * or status endpoint: 200, or 503 while a breaker is open and `failWhenOpen` is set.
 *
 * @throws TypeError when an option is invalid.
 * @example
 * ```ts
 * app.get('/health/breakers', breakerHealth({ failWhenOpen: true }));
 * ```
 */
export function breakerHealth(
  options?: BreakerHealthOptions,
): (request: FastifyRequest, reply: FastifyReply) => void {
  const { registry, failWhenOpen } = resolveHealthOptions(options);
  return function tripswitchHealth(_request, reply) {
    const body = healthReport(registry);
    reply.code(body.status === 'DEGRADED' && failWhenOpen ? 503 : 200).send(body);
  };
}
