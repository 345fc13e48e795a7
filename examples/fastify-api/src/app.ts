import { breakerHealth, tripswitch } from '@tripswitch/fastify';
import Fastify, { type FastifyInstance } from 'fastify';
import { inventory } from './inventory.js';

/**
 * The API. The plugin is registered first and awaited (it sees routes as they are added); every route
 * with `config.breaker` gets its own breaker, named after the route (`GET /api/stock/:sku`, …).
 */
export async function createApp(): Promise<FastifyInstance> {
  const app = Fastify();
  // Defaults for every route's breaker: three failures in a row open it for 10 s.
  await app.register(tripswitch, { failureThreshold: 3, resetTimeout: 10_000 });

  await app.register(
    async (api) => {
      api.get<{ Params: { id: string } }>('/users/:id', { config: { breaker: true } }, async (request) => ({
        id: request.params.id,
        name: 'Ada Lovelace',
      }));

      // While open, this route answers 503 + Retry-After at once, before reading the request, without calling
      // the inventory; /api/users/:id keeps serving.
      api.get<{ Params: { sku: string } }>('/stock/:sku', { config: { breaker: true } }, async (request) =>
        inventory.stockOf(request.params.sku),
      );

      // A write with a body schema: a rejected request's body is never parsed, and a body failing the schema
      // (Fastify's 400) does not count against the route.
      api.post<{ Body: { sku: string; quantity: number } }>(
        '/orders',
        {
          config: { breaker: { failureThreshold: 5 } },
          schema: {
            body: {
              type: 'object',
              required: ['sku', 'quantity'],
              properties: { sku: { type: 'string' }, quantity: { type: 'integer', minimum: 1 } },
            },
          },
        },
        async (request, reply) => {
          await inventory.stockOf(request.body.sku);
          return reply.code(201).send({ ordered: request.body });
        },
      );
    },
    { prefix: '/api' },
  );

  // { status: 'UP' | 'DEGRADED', breakers: { 'GET /api/users/:id': { state, failureCount, … }, … } }
  app.get('/health/breakers', breakerHealth());

  // For trying it out: PUT /dev/inventory/down (or /up) switches the simulated dependency.
  app.put<{ Params: { state: string } }>('/dev/inventory/:state', async (request) => {
    inventory.up = request.params.state !== 'down';
    return { inventory: inventory.up ? 'up' : 'down' };
  });

  return app;
}
