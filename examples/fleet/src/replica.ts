// One replica of the fleet: an Express API whose route calls the upstream through @tripswitch/axios,
// with every breaker of its registry coordinated through Redis. Started as a child process by
// `npm run demo:fleet` and by the fleet e2e test; it reports on stdout, one JSON object per line.
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { withBreaker } from '@tripswitch/axios';
import { BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import { breaker, breakerHealth } from '@tripswitch/express';
import { coordinate } from '@tripswitch/redis';
import axios from 'axios';
import express from 'express';
import { Redis } from 'ioredis';

const env = (name: string, fallback?: string): string => {
  const value = process.env[name] ?? fallback;
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
};
const instanceId = env('INSTANCE_ID');
const resetTimeout = Number(env('RESET_TIMEOUT_MS', '3000'));
const report = (event: Record<string, unknown>) =>
  process.stdout.write(`${JSON.stringify({ ...event, at: performance.timeOrigin + performance.now() })}\n`);

const registry = new BreakerRegistry();
registry.onCreate((b) =>
  b.on('stateChange', (e) =>
    report({ event: 'state', breaker: b.name, from: e.from, to: e.to, reason: e.reason }),
  ),
);
const http = axios.create({
  baseURL: env('UPSTREAM_URL'),
  timeout: 1000,
  headers: { 'x-replica': instanceId },
});
withBreaker(http, { registry, key: () => 'quotes-upstream', failureThreshold: 3, resetTimeout });
const redis = new Redis(env('REDIS_URL'), { lazyConnect: true });
const stop = await coordinate(registry, {
  redis,
  instanceId,
  channel: env('CHANNEL', 'tripswitch-fleet'),
  keyPrefix: env('KEY_PREFIX', 'tripswitch-fleet:'),
  trialLease: Number(env('TRIAL_LEASE_MS', '2000')),
});
// Created before the first request, so that remote trips find it on every replica from the start.
registry.get('quotes-upstream', { failureThreshold: 3, resetTimeout });

const app = express();
app.get(
  '/quotes/:symbol',
  breaker({
    registry,
    failureThreshold: Number(env('ROUTE_FAILURE_THRESHOLD', '10')),
    resetTimeout,
    // A 503 passes on the upstream breaker's rejection: the route itself did not fail.
    isFailure: (_req, res) => res.statusCode >= 500 && res.statusCode !== 503,
  }),
  async (req, res) => {
    try {
      const reply = await http.get(`/quotes/${encodeURIComponent(String(req.params.symbol))}`);
      res.json({ replica: instanceId, quote: reply.data });
    } catch (error) {
      if (isCircuitOpenError(error)) {
        res.status(503).json({ replica: instanceId, error: 'upstream_circuit_open', kind: error.kind });
      } else {
        res.status(502).json({ replica: instanceId, error: 'upstream_failed' });
      }
    }
  },
);
app.get('/health/breakers', breakerHealth({ registry }));
app.get('/health/coordination', (_req, res) => {
  res.json({ instanceId, connected: stop.connected, ...stop.stats() });
});

const server = app.listen(0, '127.0.0.1', () => {
  report({ event: 'ready', port: (server.address() as AddressInfo).port, instanceId });
});
process.on('unhandledRejection', (reason) => {
  report({ event: 'unhandledRejection', reason: String(reason) });
  process.exitCode = 1;
});
process.once('SIGTERM', () => {
  server.close();
  server.closeAllConnections();
  void stop().finally(() => process.exit());
});
