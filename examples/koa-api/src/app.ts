import Router from '@koa/router';
import { breaker, breakerHealth } from '@tripswitch/koa';
import Koa from 'koa';
import { warehouse } from './warehouse.js';

/** The API: every route has its own breaker, named after the router's template (`GET /stock/:sku`, …). */
export function createApp(): Koa {
  const router = new Router();

  router.get('/products/:sku', breaker(), (ctx) => {
    ctx.body = { sku: ctx.params.sku, name: 'Earl Grey, 250 g' };
  });

  // Opens when half of the last 10 requests failed (once at least 4 were made), for 15 s. A thrown error
  // is counted, then rethrown unchanged for Koa's error handling.
  router.get(
    '/stock/:sku',
    breaker({
      window: { type: 'count', size: 10 },
      minimumCalls: 4,
      failureRateThreshold: 50,
      resetTimeout: 15_000,
    }),
    async (ctx) => {
      ctx.body = await warehouse.stockOf(String(ctx.params.sku));
    },
  );

  router.get('/health/breakers', breakerHealth());

  // For trying it out: PUT /dev/warehouse/offline (or /online) switches the simulated dependency.
  router.put('/dev/warehouse/:state', (ctx) => {
    warehouse.online = ctx.params.state !== 'offline';
    ctx.body = { warehouse: warehouse.online ? 'online' : 'offline' };
  });

  const app = new Koa();
  app.use(async function errorsAsJson(ctx, next) {
    try {
      await next();
    } catch (error) {
      const { status = 500, message = 'internal error' } = error as { status?: number; message?: string };
      ctx.status = status;
      ctx.body = { error: message };
    }
  });
  app.use(router.routes()).use(router.allowedMethods());
  return app;
}
