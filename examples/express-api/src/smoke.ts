// `npm run smoke`: starts the API the way `npm start` does (telemetry first), trips a route's breaker with
// real requests on 127.0.0.1, checks the 503, the health endpoint and the metrics, and exits 0.
import assert from 'node:assert/strict';
import { type AddressInfo, createServer } from 'node:net';

// A free port for the metrics endpoint, so a demo running on 9464 does not get in the way.
const probe = createServer().listen(0, '127.0.0.1');
await new Promise((resolve) => probe.once('listening', resolve));
process.env.METRICS_PORT = String((probe.address() as AddressInfo).port);
await new Promise((resolve) => probe.close(resolve));

const { sdk } = await import('./telemetry.js');
const { createApp } = await import('./app.js');

const server = createApp().listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
const call = (path: string, method = 'GET') =>
  fetch(base + path, { method, signal: AbortSignal.timeout(5000) });

try {
  assert.equal((await call('/users/1')).status, 200);

  await call('/dev/recommender/down', 'PUT');
  for (let i = 0; i < 3; i++) assert.equal((await call(`/recommendations/${i}`)).status, 500);

  const rejected = await call('/recommendations/9');
  assert.equal(rejected.status, 503);
  assert.ok(Number(rejected.headers.get('retry-after')) >= 1, 'Retry-After is at least 1 s');
  assert.deepEqual(await rejected.json(), {
    error: 'circuit_open',
    breaker: 'GET /recommendations/:userId',
    retryAfter: 10,
  });

  assert.equal((await call('/users/2')).status, 200, 'another route keeps serving');

  const health = (await (await call('/health/breakers')).json()) as {
    status: string;
    breakers: Record<string, { state: string; rejectedCount: number }>;
  };
  assert.equal(health.status, 'DEGRADED');
  assert.equal(health.breakers['GET /recommendations/:userId']?.state, 'open');
  assert.equal(health.breakers['GET /recommendations/:userId']?.rejectedCount, 1);
  assert.equal(health.breakers['GET /users/:id']?.state, 'closed');

  const metrics = await (await fetch(`http://127.0.0.1:${process.env.METRICS_PORT}/metrics`)).text();
  const openSeries = metrics
    .split('\n')
    .filter((line) => line.startsWith('tripswitch_breaker_status{'))
    .filter((line) => line.includes('tripswitch_breaker_name="GET /recommendations/:userId"'))
    .filter((line) => line.includes('tripswitch_breaker_state="open"'));
  assert.deepEqual(
    openSeries.map((line) => line.split(' ').at(-1)),
    ['1'],
    metrics,
  );
  console.log('express-api smoke: ok (route isolation, 503 + Retry-After, health, metrics)');
} finally {
  server.close();
  server.closeAllConnections();
  await sdk.shutdown();
}
