// `npm run smoke`: starts the API the way `npm start` does (telemetry first), trips a route's breaker with
// real requests on 127.0.0.1, checks the 503, the body not read, the health endpoint and the metrics, and exits 0.
import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';

// A free port for the metrics endpoint, so a demo running on 9464 does not get in the way.
const probe = createServer().listen(0, '127.0.0.1');
await new Promise((resolve) => probe.once('listening', resolve));
process.env.METRICS_PORT = String((probe.address() as AddressInfo).port);
await new Promise((resolve) => probe.close(resolve));

const { sdk } = await import('./telemetry.js');
const { createApp } = await import('./app.js');

const app = await createApp();
const base = await app.listen({ port: 0, host: '127.0.0.1' });
const call = (path: string, init: RequestInit = {}) =>
  fetch(base + path, { ...init, signal: AbortSignal.timeout(5000) });
const order = (body: string) =>
  call('/api/orders', { method: 'POST', headers: { 'content-type': 'application/json' }, body });

try {
  assert.equal((await call('/api/users/1')).status, 200);
  assert.equal((await order('{"sku":"tea","quantity":0}')).status, 400, 'schema failure: 400');

  await call('/dev/inventory/down', { method: 'PUT' });
  for (let i = 0; i < 3; i++) assert.equal((await call(`/api/stock/sku-${i}`)).status, 500);

  const rejected = await call('/api/stock/sku-9');
  assert.equal(rejected.status, 503);
  assert.equal(rejected.headers.get('retry-after'), '10');
  assert.deepEqual(await rejected.json(), {
    error: 'circuit_open',
    breaker: 'GET /api/stock/:sku',
    retryAfter: 10,
  });
  assert.equal((await call('/api/users/2')).status, 200, 'another route keeps serving');

  for (let i = 0; i < 5; i++) assert.equal((await order('{"sku":"tea","quantity":1}')).status, 500);
  // Open: answered before the body is parsed, so even a body that is not JSON gets the 503.
  assert.equal((await order('{not json')).status, 503);

  const health = (await (await call('/health/breakers')).json()) as {
    status: string;
    breakers: Record<string, { state: string; rejectedCount: number; successCount: number }>;
  };
  assert.equal(health.status, 'DEGRADED');
  assert.equal(health.breakers['GET /api/stock/:sku']?.state, 'open');
  assert.equal(health.breakers['GET /api/stock/:sku']?.rejectedCount, 1);
  assert.equal(health.breakers['POST /api/orders']?.state, 'open');
  assert.equal(health.breakers['POST /api/orders']?.successCount, 1, 'the 400 counted as a success');
  assert.equal(health.breakers['GET /api/users/:id']?.state, 'closed');

  const metrics = await (await fetch(`http://127.0.0.1:${process.env.METRICS_PORT}/metrics`)).text();
  const openSeries = metrics
    .split('\n')
    .filter((line) => line.startsWith('tripswitch_breaker_status{'))
    .filter((line) => line.includes('tripswitch_breaker_name="GET /api/stock/:sku"'))
    .filter((line) => line.includes('tripswitch_breaker_state="open"'));
  assert.deepEqual(
    openSeries.map((line) => line.split(' ').at(-1)),
    ['1'],
    metrics,
  );
  console.log('fastify-api smoke: ok (route isolation, 503 + Retry-After before the body, health, metrics)');
} finally {
  await app.close();
  await sdk.shutdown();
}
