/**
 * Key explosion: breakers keyed by values from outside (an origin per tenant, a mount path with a
 * parameter) must not grow memory without bound. 100k distinct keys go through the Axios adapter to a local
 * upstream, and thousands of distinct parameterised mount paths through Express, each with a registry far
 * smaller than the key space. Meanwhile some calls hang on their own keys: eviction must never drop a
 * breaker with calls in flight (the same breaker object must be there, and count the call, when it ends).
 *
 * `TRIPSWITCH_KEYS` sets the Axios key count (default 10,000; 100,000 under `npm run test:long`),
 * `TRIPSWITCH_MOUNT_KEYS` the Express one (default 5,000).
 */
import type { ServerResponse } from 'node:http';
import { Agent } from 'node:http';
import { withBreaker } from '@tripswitch/axios';
import { BreakerRegistry, type CircuitBreaker } from '@tripswitch/core';
import { breaker } from '@tripswitch/express';
import { listen, type TestServer } from '@tripswitch/testkit';
import axios from 'axios';
import express from 'express';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { waitForSettled, watchProcessFaults } from './breaker-checks.js';
import { growth, type HeapReading, mb, readHeap } from './heap-probe.js';
import { loadAgent, pooled, sendRequest } from './http-client.js';
import { PENDING } from './pending-fixes.js';
import { envCount, runSeed } from './random.js';

const KEYS = envCount('TRIPSWITCH_KEYS', 10_000);
const MOUNT_KEYS = envCount('TRIPSWITCH_MOUNT_KEYS', 5_000);
const MAX_BREAKERS = 500;
const HELD = 20;
const CONCURRENCY = 32;
/** Heap growth allowed from a tenth of the keys to all of them: flat, with room for GC noise. */
const MAX_GROWTH = 0.1;

/** A local upstream: `/ok` answers at once (500 for `?f=1`), `/hang` holds the response until released. */
interface Upstream {
  readonly server: TestServer;
  readonly held: ServerResponse[];
  release(): void;
}

async function startUpstream(): Promise<Upstream> {
  const held: ServerResponse[] = [];
  const server = await listen((req, res) => {
    if (req.url?.startsWith('/hang')) held.push(res);
    else res.writeHead(req.url?.includes('f=1') ? 500 : 200).end('u');
  });
  return {
    server,
    held,
    release: () => {
      for (const res of held.splice(0)) res.writeHead(200).end('late');
    },
  };
}

async function until(what: string, check: () => boolean, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`${what} within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

let upstream: Upstream;
let faults: ReturnType<typeof watchProcessFaults>;
beforeEach(async () => {
  upstream = await startUpstream();
  faults = watchProcessFaults();
});
afterEach(async () => {
  faults.stop();
  upstream.release();
  await upstream.server.close();
});

/** Checks the breakers with calls in flight survived, then ends those calls and checks they were counted there. */
async function checkHeld(
  registry: BreakerRegistry,
  held: ReadonlyMap<string, CircuitBreaker<unknown>>,
  done: Promise<unknown>,
) {
  const lost = [...held]
    .filter(([name, b]) => !registry.has(name) || registry.get(name) !== b)
    .map(([n]) => n);
  expect(lost, 'breakers evicted while their calls were in flight').toEqual([]);
  upstream.release();
  await done;
  const unsettled = [...held.values()].filter(
    (b) => b.getMetrics().inFlight !== 0 || b.getMetrics().successCount !== 1,
  );
  expect(unsettled.map((b) => b.name)).toEqual([]);
}

function report(
  what: string,
  count: number,
  registry: BreakerRegistry,
  first: HeapReading,
  last: HeapReading,
  ms: number,
) {
  console.log(
    `[keys] ${what}`,
    JSON.stringify({
      seed: runSeed(),
      keys: count,
      seconds: Math.round(ms / 100) / 10,
      breakers: registry.all().length,
      maxBreakers: registry.maxBreakers,
      heap: [mb(first.heapUsed), mb(last.heapUsed)],
      growth: `${(growth(first, last) * 100).toFixed(2)}%`,
    }),
  );
}

describe('key explosion', () => {
  it(`${KEYS} distinct keys through the Axios adapter keep ${MAX_BREAKERS} breakers and never evict a busy one`, async () => {
    const registry = new BreakerRegistry({ maxBreakers: MAX_BREAKERS });
    const agent = new Agent({ keepAlive: true, maxSockets: CONCURRENCY + HELD });
    const http = axios.create({ baseURL: upstream.server.url, httpAgent: agent, timeout: 30_000 });
    // One breaker per key, as a client keyed by tenant (or by an origin from user input) has.
    withBreaker(http, { registry, failureThreshold: 2, key: (c) => String(c.params?.k) });
    // No timeout on these: they must stay in flight for the whole flood.
    const done = Promise.all(
      Array.from({ length: HELD }, (_, i) => http.get('/hang', { params: { k: `held-${i}` }, timeout: 0 })),
    );
    await until('the held calls reach the upstream', () => upstream.held.length === HELD);
    const held = new Map(
      Array.from({ length: HELD }, (_, i) => [`held-${i}`, registry.get(`held-${i}`)] as const),
    );
    const started = performance.now();
    let first: HeapReading | undefined;
    await pooled(KEYS, CONCURRENCY, async (i) => {
      if (i === Math.floor(KEYS / 10)) first = await readHeap();
      await http.get('/ok', { params: { k: `tenant-${i}`, f: i % 3 === 0 ? 1 : 0 } }).catch(() => {});
    });
    const last = await readHeap();
    report('axios', KEYS, registry, first as HeapReading, last, performance.now() - started);
    await checkHeld(registry, held, done);
    agent.destroy();
    expect(registry.all().length).toBeLessThanOrEqual(MAX_BREAKERS);
    expect(growth(first as HeapReading, last)).toBeLessThan(MAX_GROWTH);
    expect(faults.seen).toEqual([]);
  }, 600_000);

  it(`${MOUNT_KEYS} distinct parameterised mount paths in Express keep the registry bounded and never evict a busy breaker`, async () => {
    const registry = new BreakerRegistry({ maxBreakers: MAX_BREAKERS });
    const app = express();
    const tenant = express.Router({ mergeParams: true });
    tenant.get('/orders', breaker({ registry, failureThreshold: 2 }), (req, res) => {
      if (req.query.hang === '1') upstream.held.push(res);
      else res.status(req.query.f === '1' ? 500 : 200).end();
    });
    app.use('/tenant/:id', tenant);
    const server = await listen(app);
    const agent = loadAgent(CONCURRENCY + HELD);
    try {
      const done = Promise.all(
        Array.from({ length: HELD }, (_, i) =>
          sendRequest(`${server.url}/tenant/held-${i}/orders?hang=1`, agent, 'wait', 0, 60_000),
        ),
      );
      await until('the held requests reach the handler', () => upstream.held.length === HELD);
      // The breakers of the held requests, whatever they are named.
      const held = new Map(registry.all().map((b) => [b.name, b] as const));
      const started = performance.now();
      let first: HeapReading | undefined;
      await pooled(MOUNT_KEYS, CONCURRENCY, async (i) => {
        if (i === Math.floor(MOUNT_KEYS / 10)) first = await readHeap();
        await sendRequest(
          `${server.url}/tenant/t${i}/orders?f=${i % 3 === 0 ? 1 : 0}`,
          agent,
          'wait',
          0,
          10_000,
        );
      });
      const last = await readHeap();
      report(
        'express mount paths',
        MOUNT_KEYS,
        registry,
        first as HeapReading,
        last,
        performance.now() - started,
      );
      await checkHeld(registry, held, done);
      expect(await waitForSettled(() => registry.all(), 2_000)).toEqual([]);
      expect(registry.all().length).toBeLessThanOrEqual(PENDING.expressMountTemplate ? MAX_BREAKERS : 1);
      expect(growth(first as HeapReading, last)).toBeLessThan(MAX_GROWTH);
      expect(faults.seen).toEqual([]);
    } finally {
      agent.destroy();
      await server.close();
    }
  }, 600_000);

  if (PENDING.expressMountTemplate)
    it.todo("express names a breaker by the mount path's template, not by the path a request matched");
});
