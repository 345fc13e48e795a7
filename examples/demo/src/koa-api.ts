import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Router from '@koa/router';
import type { BreakerRegistry } from '@tripswitch/core';
import { breaker, breakerHealth } from '@tripswitch/koa';
import Koa from 'koa';
import type { Api } from './express-api.js';
import { fetchUpstream } from './fetch-upstream.js';

/**
 * The Koa API: `GET /orders/:id` relays to the upstream. Its route breaker uses a failure-rate rule over the
 * last 20 requests (so `tripswitch_breaker_failure_rate` has a series), the fetch client's
 * (`@tripswitch/fetch` over the global `fetch`) the consecutive rule, as the Express API's Axios client.
 */
export async function startKoaApi(
  upstreamOrigin: string,
  registry: BreakerRegistry,
  resetTimeoutMs: number,
): Promise<Api> {
  const orders = fetchUpstream(upstreamOrigin, 'orders-upstream', registry, resetTimeoutMs);
  const router = new Router();
  const rateRule = {
    window: { type: 'count', size: 20 },
    minimumCalls: 10,
    failureRateThreshold: 50,
  } as const;
  router.get('/orders/:id', breaker({ registry, ...rateRule, resetTimeout: resetTimeoutMs }), async (ctx) => {
    const reply = await orders(`/orders/${encodeURIComponent(ctx.params.id ?? '')}`);
    ctx.status = reply.status;
    ctx.set(reply.headers);
    ctx.body = reply.body;
  });
  router.get('/health/breakers', breakerHealth({ registry }));

  const app = new Koa();
  app.use(router.routes()).use(router.allowedMethods());
  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return { origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}
