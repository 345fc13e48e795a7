// `npm run smoke`: loads telemetry first as `npm start` does, serves the app on 127.0.0.1, drives the stock
// route's failure rate over its threshold with real requests, checks the rejection, the health endpoint and
// the metrics, and exits 0.
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { type AddressInfo, createServer } from 'node:net';

const portOf = (server: { address(): unknown }): number => (server.address() as AddressInfo).port;

// The metrics endpoint gets a free port, so a running demo (9464) cannot collide with it.
const probe = createServer().listen(0, '127.0.0.1');
await new Promise((resolve) => probe.once('listening', resolve));
process.env.METRICS_PORT = String(portOf(probe));
probe.close();

const { sdk } = await import('./telemetry.js');
const { createApp } = await import('./app.js');
const server: Server = createApp().listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const get = (path: string, method = 'GET') =>
  fetch(`http://127.0.0.1:${portOf(server)}${path}`, { method, signal: AbortSignal.timeout(5000) });

try {
  assert.equal((await get('/stock/TEA-1')).status, 200);
  assert.equal((await get('/stock/TEA-2')).status, 200);
  await get('/dev/warehouse/offline', 'PUT');
  // 2 successes + 2 failures: 4 calls, 50 % failed: the rate rule opens the breaker on the second failure.
  assert.equal((await get('/stock/TEA-3')).status, 502);
  assert.equal((await get('/stock/TEA-4')).status, 502);

  const rejected = await get('/stock/TEA-5');
  assert.equal(rejected.status, 503);
  assert.equal(rejected.headers.get('retry-after'), '15');
  assert.deepEqual(await rejected.json(), {
    error: 'circuit_open',
    breaker: 'GET /stock/:sku',
    retryAfter: 15,
  });
  assert.equal((await get('/products/TEA-1')).status, 200, 'the other route keeps serving');

  const health = (await (await get('/health/breakers')).json()) as {
    status: string;
    breakers: Record<string, { state: string; failureRate: number | null }>;
  };
  assert.equal(health.status, 'DEGRADED');
  assert.equal(health.breakers['GET /stock/:sku']?.state, 'open');
  assert.equal(health.breakers['GET /products/:sku']?.state, 'closed');

  const metrics = await (await fetch(`http://127.0.0.1:${process.env.METRICS_PORT}/metrics`)).text();
  const rejections = metrics
    .split('\n')
    .filter((l) => l.startsWith('tripswitch_breaker_calls_total{') && l.includes('"GET /stock/:sku"'))
    .filter((l) => l.includes('tripswitch_breaker_outcome="rejected"'));
  assert.deepEqual(
    rejections.map((l) => l.split(' ').at(-1)),
    ['1'],
    metrics,
  );
  console.log('koa-api smoke: ok (failure-rate trip, 503 + Retry-After, route isolation, health, metrics)');
} finally {
  server.closeAllConnections();
  server.close();
  await sdk.shutdown();
}
