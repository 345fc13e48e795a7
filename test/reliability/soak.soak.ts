/**
 * Soak: many execute() calls and HTTP requests with random outcomes while the test clock moves, so the
 * breakers cycle through open, half_open and closed all along. After a warm-up the heap (after GC) is read
 * at checkpoints; at the end it must be within 5% of the warm-up reading, and the active handles the same.
 *
 * `npm run test:soak` runs the full size (10M calls, 200k requests); CI sets small counts with
 * `TRIPSWITCH_SOAK_CALLS` and `TRIPSWITCH_SOAK_REQUESTS`. `TRIPSWITCH_SEED` replays a run.
 */
import { withBreaker } from '@tripswitch/axios';
import { BreakerRegistry, CircuitBreaker, createTestClock, isCircuitOpenError } from '@tripswitch/core';
import { breaker } from '@tripswitch/express';
import { listen } from '@tripswitch/testkit';
import axios from 'axios';
import express, { type Request, type Response } from 'express';
import { describe, expect, it } from 'vitest';
import { watchProcessFaults } from './breaker-checks.js';
import { growth, type HeapReading, mb, readHeap } from './heap-probe.js';
import { loadAgent, pooled, sendRequest } from './http-client.js';
import { createRandom, envCount, runSeed } from './random.js';

const CALLS = envCount('TRIPSWITCH_SOAK_CALLS', 10_000_000, 1);
const REQUESTS = envCount('TRIPSWITCH_SOAK_REQUESTS', 200_000, 1);
const SEED = runSeed();
const CHECKPOINTS = 5;
const MAX_GROWTH = 0.05;

class Boom extends Error {}

/**
 * Readings after the warm-up (a fifth of the work, at least `minWarm`: caches, pools and JIT code settle)
 * and at each checkpoint after it.
 */
async function soak(
  total: number,
  run: (from: number, to: number) => Promise<void>,
  minWarm = 0,
): Promise<HeapReading[]> {
  const warm = Math.min(total, Math.max(minWarm, Math.ceil(total / 5)));
  await run(0, warm);
  const readings = [await readHeap()];
  const step = Math.ceil((total - warm) / CHECKPOINTS);
  for (let from = warm; from < total; from += step) {
    await run(from, Math.min(total, from + step));
    readings.push(await readHeap());
  }
  return readings;
}

function summary(what: string, count: number, readings: readonly HeapReading[], ms: number) {
  const first = readings[0] as HeapReading;
  const last = readings[readings.length - 1] as HeapReading;
  const line = {
    seed: SEED,
    [what]: count,
    seconds: Math.round(ms / 100) / 10,
    heap: readings.map((r) => mb(r.heapUsed)),
    growth: `${(growth(first, last) * 100).toFixed(2)}%`,
    handles: readings.map((r) => r.handles),
  };
  console.log(`[soak] ${what}`, JSON.stringify(line));
  return { first, last };
}

describe('soak', () => {
  it(`${CALLS} execute() calls with random outcomes keep the heap and handles flat`, async () => {
    const faults = watchProcessFaults();
    const clock = createTestClock();
    const r = createRandom(SEED);
    const options = { clock, resetTimeout: 50, halfOpenMaxCalls: 2, telemetry: { enabled: false } };
    const breakers = [
      new CircuitBreaker({ ...options, name: 'consecutive', failureThreshold: 3 }),
      new CircuitBreaker({
        ...options,
        name: 'count',
        window: { type: 'count', size: 20 },
        slowCallDuration: 5,
      }),
      new CircuitBreaker({
        ...options,
        name: 'time',
        window: { type: 'time', duration: 1000 },
        failureRateThreshold: 25,
        timeout: 1000,
      }),
      new CircuitBreaker({ ...options, name: 'fallback', failureThreshold: 2, fallback: () => 'fb' }),
    ];
    const outcomes = { ok: 0, failed: 0, rejected: 0 };
    const started = performance.now();
    const readings = await soak(CALLS, async (from, to) => {
      for (let i = from; i < to; i++) {
        if ((i & 15) === 0) clock.advance(r.int(0, 6));
        const b = breakers[i & 3] as CircuitBreaker<unknown>;
        const fail = r.chance(0.3);
        try {
          await b.execute(fail ? () => Promise.reject(new Boom()) : () => i);
          outcomes.ok++;
        } catch (error) {
          if (isCircuitOpenError(error)) outcomes.rejected++;
          else if (error instanceof Boom) outcomes.failed++;
          else throw error;
        }
      }
    });
    const { first, last } = summary('calls', CALLS, readings, performance.now() - started);
    faults.stop();
    console.log(
      '[soak] call outcomes',
      JSON.stringify(outcomes),
      'transitions',
      breakers.map((b) => b.getMetrics().stateChanges),
    );
    expect(breakers.map((b) => b.getMetrics().inFlight)).toEqual([0, 0, 0, 0]);
    expect(growth(first, last)).toBeLessThan(MAX_GROWTH);
    expect(last.handles).toBe(first.handles);
    expect(faults.seen).toEqual([]);
    expect(outcomes.rejected).toBeGreaterThan(0);
  }, 1_800_000);

  it(`${REQUESTS} HTTP requests with random outcomes keep the heap and handles flat`, async () => {
    const faults = watchProcessFaults();
    const before = await readHeap();
    const clock = createTestClock();
    const r = createRandom(SEED ^ 0x50a4);
    const opts = { clock, failureThreshold: 3, resetTimeout: 20, halfOpenMaxCalls: 2 };
    const upstream = await listen((req, res) => {
      const s = Number(new URL(req.url ?? '/', 'http://u').searchParams.get('s') ?? 200);
      res.writeHead(s, s === 503 ? { 'retry-after': '1' } : {}).end('u');
    });
    const registry = new BreakerRegistry();
    const upstreamRegistry = new BreakerRegistry();
    const http = axios.create({ baseURL: upstream.url, timeout: 2_000 });
    withBreaker(http, { ...opts, registry: upstreamRegistry });
    const app = express();
    const handle = async (req: Request, res: Response) => {
      const s = Number(req.query.s);
      if (req.query.u === '1') {
        const status = await http.get(`/u?s=${s}`).then(
          () => 200,
          (error: unknown) => (isCircuitOpenError(error) ? 503 : 502),
        );
        res.status(status).end();
      } else res.status(s).end();
    };
    app.get('/r/:id', breaker({ ...opts, registry }), handle);
    app.get('/other', breaker({ ...opts, registry }), handle);
    const server = await listen(app);
    const agent = loadAgent(16);
    const statuses: Record<string, number> = {};
    const started = performance.now();
    const readings = await soak(
      REQUESTS,
      (from, to) =>
        pooled(to - from, 16, async () => {
          if (r.chance(0.3)) clock.advance(r.int(0, 20));
          const s = r.pick([200, 200, 200, 200, 200, 200, 200, 200, 500, 503]);
          const path = r.chance(0.5) ? `/r/${r.int(1, 1000)}` : '/other';
          const result = await sendRequest(
            `${server.url}${path}?s=${s}&u=${r.chance(0.4) ? 1 : 0}`,
            agent,
            'wait',
            0,
            5_000,
          );
          statuses[String(result)] = (statuses[String(result)] ?? 0) + 1;
        }),
      // Express, the HTTP parser and the sockets take a few thousand requests to settle.
      5_000,
    );
    const { first, last } = summary('requests', REQUESTS, readings, performance.now() - started);
    agent.destroy();
    await server.close();
    await upstream.close();
    const after = await readHeap();
    faults.stop();
    console.log(
      '[soak] statuses',
      JSON.stringify(statuses),
      'handles before/after',
      before.handles,
      after.handles,
    );
    expect(statuses.error ?? 0).toBe(0);
    expect(statuses.deadline ?? 0).toBe(0);
    expect(
      [...registry.all(), ...upstreamRegistry.all()].map((b) => b.getMetrics().inFlight).filter((n) => n > 0),
    ).toEqual([]);
    expect(growth(first, last)).toBeLessThan(MAX_GROWTH);
    // Keep-alive sockets come and go within the pools (16 client-side, as many server-side, and the upstream
    // client's): flat means bounded by them during the run, and back to the start once everything is closed.
    expect(Math.max(...readings.map((x) => x.handles))).toBeLessThanOrEqual(first.handles + 2 * 16);
    expect(after.handles).toBe(before.handles);
    expect(faults.seen).toEqual([]);
    expect(statuses['503']).toBeGreaterThan(0);
  }, 1_800_000);
});
