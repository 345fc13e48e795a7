// @ts-check
/**
 * Child of the overload group: `node server.js <breaker|none>` serves, with Express 5 on 127.0.0.1,
 * GET /healthy (answers at once) and GET /broken, whose dependency is down: each request burns WORK_MS of
 * CPU (a failing call that still costs the app, e.g. a slow TLS handshake, a parse of an error page) and
 * answers 500. With `breaker`, /broken is behind `breaker()`, so once it trips its requests are rejected
 * cheaply; with `none` every one of them costs WORK_MS. Exits by itself after 10 minutes at the latest.
 */
import { BreakerRegistry } from '@tripswitch/core';
import { serveForParent } from '../../lib/server-process.js';

/** CPU per request to the broken route, in ms. */
export const WORK_MS = 2;

const [variant] = process.argv.slice(2);
const { default: express } = await import('express');
const { breaker } = await import('@tripswitch/express');
const app = express();
const registry = new BreakerRegistry();

const healthy = function healthy(_req, res) {
  res.send('ok');
};
const broken = function broken(_req, res) {
  const end = performance.now() + WORK_MS;
  while (performance.now() < end) {
    // The failing call's cost, on the event loop like a synchronous parse.
  }
  res.status(500).send('dependency down');
};
if (variant === 'breaker') {
  app.get('/healthy', breaker({ registry }), healthy);
  app.get('/broken', breaker({ registry, failureThreshold: 5, resetTimeout: 1_000 }), broken);
} else if (variant === 'none') {
  app.get('/healthy', healthy);
  app.get('/broken', broken);
} else throw new Error(`no variant ${variant}`);

serveForParent(app);
