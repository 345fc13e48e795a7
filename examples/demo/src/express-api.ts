import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { BreakerRegistry } from '@tripswitch/core';
import { breaker, breakerHealth, breakerStatusPage } from '@tripswitch/express';
import express from 'express';
import { axiosUpstream } from './axios-upstream.js';

export interface Api {
  readonly origin: string;
  readonly server: Server;
  /** Ends the status page's live streams (server.close() waits for them). */
  readonly closeStreams?: () => void;
}

/**
 * The Express API: `GET /quotes/:symbol` relays to the upstream behind two breakers (the route's, and the
 * Axios client's); `GET /profile/:id` never touches the upstream, so its breaker stays closed throughout.
 */
export async function startExpressApi(
  upstreamOrigin: string,
  registry: BreakerRegistry,
  resetTimeoutMs: number,
): Promise<Api> {
  const quotes = axiosUpstream(upstreamOrigin, 'quotes-upstream', registry, resetTimeoutMs);
  const app = express();
  app.get(
    '/quotes/:symbol',
    breaker({ registry, failureThreshold: 5, resetTimeout: resetTimeoutMs }),
    async (req, res) => {
      const reply = await quotes(`/quotes/${encodeURIComponent(String(req.params.symbol))}`);
      res.status(reply.status).set(reply.headers).json(reply.body);
    },
  );
  app.get('/profile/:id', breaker({ registry }), (req, res) => {
    res.json({ id: req.params.id, name: 'Ada' });
  });
  app.get('/health/breakers', breakerHealth({ registry }));
  // The live status page of every breaker in the registry (Express, Koa, Axios and fetch ones): /breakers/.
  const statusPage = breakerStatusPage({ registry });
  app.use(statusPage);

  const server = await new Promise<Server>((resolve) => {
    const s = app.listen(0, '127.0.0.1', () => resolve(s));
  });
  return {
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    closeStreams: () => statusPage.closeStreams(),
  };
}
