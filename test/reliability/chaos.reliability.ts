/**
 * Chaos over HTTP: the apps under test (Express 4/5, Koa 2/3, a breaker per route, calling an upstream
 * through Axios with a breaker per upstream) and a chaos upstream, all on 127.0.0.1, under seeded random
 * faults on both sides: latency spikes, resets, half-written responses, hangs, 5xx, 429/503 with good and
 * garbage Retry-After, handlers that throw or never answer, and clients that leave at random moments,
 * including before the route's breaker() runs (issue 18 item 1). Meanwhile the breakers' test clock moves,
 * so circuits open, half-open and close again under fire.
 *
 * At the end every breaker must have no call in flight, admit a call once the clock passed its open period
 * (no stuck half_open), and the process must have seen no unhandled rejection or uncaught exception.
 *
 * `TRIPSWITCH_SEED` replays a run; `TRIPSWITCH_CHAOS_REQUESTS` sets requests per app (default 400).
 */
import { withBreaker } from '@tripswitch/axios';
import { BreakerRegistry, type CircuitBreaker, createTestClock, isCircuitOpenError } from '@tripswitch/core';
import axios from 'axios';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ProcessFaults,
  stuckAfter,
  tally,
  waitForSettled,
  watchProcessFaults,
} from './breaker-checks.js';
import {
  BREAKER_OPTIONS,
  type ChaosApp,
  type ChaosDeps,
  flakyClock,
  type ServerAction,
  startExpressApp,
  startKoaApp,
  workBreaker,
} from './chaos-apps.js';
import {
  type ChaosUpstream,
  faultQuery,
  RETRY_AFTER_VALUES,
  startChaosUpstream,
  type UpstreamFault,
} from './chaos-upstream.js';
import { type ClientMove, type ClientResult, loadAgent, pooled, sendRequest } from './http-client.js';
import { PENDING } from './pending-fixes.js';
import { createRandom, envCount, type Random, runSeed } from './random.js';

const REQUESTS = envCount('TRIPSWITCH_CHAOS_REQUESTS', 400);
const CONCURRENCY = 12;
const SEED = runSeed();
/**
 * How far the clock moves before the final probe: past `resetTimeout` and past the longest open period a
 * Retry-After may ask for (the adapter caps it; 10 minutes is the documented upper bound of the cap's default).
 */
const PROBE_MS = 10 * 60_000 + BREAKER_OPTIONS.resetTimeout;

/** Retry-After values that open a circuit for centuries: left out while that fix is pending. */
const CENTURIES = new Set(['99999999999', 'Tue, 01 Jan 2999 00:00:00 GMT', 'soon 3000']);
const RETRY_AFTER_INDICES = RETRY_AFTER_VALUES.map((_, i) => i).filter(
  (i) => !PENDING.unboundedRetryAfter || !CENTURIES.has(RETRY_AFTER_VALUES[i] as string),
);

const UPSTREAM_FAULTS: Readonly<Record<UpstreamFault, number>> = {
  ok: 30,
  slow: 10,
  reset: 6,
  half: 6,
  hang: 4,
  '500': 8,
  '502': 4,
  '429': 8,
  '503': 10,
};

const SERVER_ACTIONS: Readonly<Record<ServerAction, number>> = {
  ok: 20,
  slow: 8,
  '500': 8,
  throw: 6,
  hang: 3,
  destroy: 4,
  half: 4,
  'wait-close': 3,
  proxy: 30,
  work: 10,
};

const CLIENT_MOVES: Readonly<Record<ClientMove, number>> = { wait: 70, abort: 24, 'abort-on-headers': 6 };

/** One request of the plan: the route, what the handler does, what the upstream does, how the client behaves. */
function planRequest(r: Random, i: number): { path: string; move: ClientMove; abortMs: number } {
  const gated = r.chance(0.35);
  let action = r.weighted(SERVER_ACTIONS);
  const fault = r.weighted(UPSTREAM_FAULTS);
  // A latency spike passes the upstream client's 150 ms timeout one time in three.
  const d = fault === 'slow' || action === 'slow' ? r.pick([1, 5, 20, 60, 200]) : r.int(0, 5);
  const ra = r.pick(RETRY_AFTER_INDICES);
  const g = gated ? r.int(0, 25) : 0;
  // While the fix is pending, nobody leaves a gated route before its breaker() runs.
  const calmGate = gated && PENDING.earlyLeave;
  if (calmGate && (action === 'hang' || action === 'wait-close')) action = 'ok';
  const neverAnswers = action === 'hang' || action === 'wait-close';
  const move: ClientMove = calmGate ? 'wait' : neverAnswers ? 'abort' : r.weighted(CLIENT_MOVES);
  // Gated requests that abort early leave while the async middleware waits: before breaker() runs.
  const abortMs = gated && r.chance(0.5) ? r.int(0, Math.max(0, g - 2)) : r.int(0, 80);
  const path = `/${gated ? 'gated' : 'direct'}/${i % 50}?a=${action}&${faultQuery(fault, d, ra)}&g=${g}`;
  return { path, move, abortMs };
}

const frameworks: Array<[string, (deps: ChaosDeps) => Promise<ChaosApp>]> = [
  ['express4', (deps) => startExpressApp('express4', deps)],
  ['express5', (deps) => startExpressApp('express5', deps)],
  ['koa2', (deps) => startKoaApp('koa2', deps)],
  ['koa3', (deps) => startKoaApp('koa3', deps)],
];

let upstream: ChaosUpstream;
let faults: ProcessFaults;

beforeEach(async () => {
  upstream = await startChaosUpstream();
  faults = watchProcessFaults();
});
afterEach(async () => {
  faults.stop();
  await upstream.close();
});
afterAll(() => {
  console.log(`[chaos] seed ${SEED} (TRIPSWITCH_SEED=${SEED} replays it)`);
});

function breakersOf(deps: ChaosDeps): CircuitBreaker<unknown>[] {
  return [...deps.registry.all(), ...deps.upstreamRegistry.all(), deps.work as CircuitBreaker<unknown>];
}

describe.each(frameworks)('chaos over HTTP: %s', (name, start) => {
  it(`${REQUESTS} seeded requests leave no call in flight, no stuck breaker and no unhandled rejection`, async () => {
    const clock = createTestClock();
    const workClock = flakyClock(clock, PENDING.throwingClock ? Number.POSITIVE_INFINITY : 7);
    const deps: ChaosDeps = {
      registry: new BreakerRegistry(),
      upstreamRegistry: new BreakerRegistry(),
      clock,
      upstreamOrigin: upstream.origin,
      work: workBreaker(workClock),
      workClock,
    };
    const app = await start(deps);
    const agent = loadAgent(CONCURRENCY);
    const r = createRandom(SEED ^ (name.length * 7919));
    const results: ClientResult[] = [];
    try {
      await pooled(REQUESTS, CONCURRENCY, async (i) => {
        // The clock moves while requests are out, so trials are admitted (and abandoned) under fire.
        if (i % 4 === 0) clock.advance(r.int(0, 600));
        const { path, move, abortMs } = planRequest(r, i);
        results.push(await sendRequest(app.server.url + path, agent, move, abortMs));
      });
      workClock.calm();
      const busy = await waitForSettled(() => breakersOf(deps), 5_000);
      const breakers = breakersOf(deps);
      const stuck = stuckAfter(clock, PROBE_MS, breakers);
      const summary = {
        seed: SEED,
        requests: results.length,
        results: tally(results, String),
        upstream: upstream.received,
        transitions: breakers.reduce((n, b) => n + b.getMetrics().stateChanges, 0),
      };
      console.log(`[chaos] ${name}`, JSON.stringify(summary));
      expect({ busy, stuck, faults: faults.seen.map(String) }, `seed ${SEED}`).toEqual({
        busy: [],
        stuck: [],
        faults: [],
      });
      expect(results).toHaveLength(REQUESTS);
      // The run exercised the breakers: circuits opened and closed again.
      expect(summary.transitions).toBeGreaterThan(10);
    } finally {
      agent.destroy();
      await app.close();
    }
  });
});

describe('chaos over HTTP: axios', () => {
  it(`${REQUESTS * 2} seeded requests with random cancellations leave no call in flight and no stuck breaker`, async () => {
    const clock = createTestClock();
    const registry = new BreakerRegistry();
    const r = createRandom(SEED ^ 0xa710);
    // Two instances on one registry: one per origin key, one keyed per route (many breakers, shared upstream).
    const http = axios.create({ baseURL: upstream.origin, timeout: 150 });
    withBreaker(http, { registry, clock, ...BREAKER_OPTIONS });
    const keyed = axios.create({ baseURL: upstream.origin, timeout: 150 });
    withBreaker(keyed, { registry, clock, ...BREAKER_OPTIONS, key: (c) => `route ${c.url?.slice(0, 8)}` });
    const outcomes: string[] = [];
    await pooled(REQUESTS * 2, CONCURRENCY, async (i) => {
      if (i % 4 === 0) clock.advance(r.int(0, 600));
      const fault = r.weighted(UPSTREAM_FAULTS);
      const d = fault === 'slow' ? r.pick([1, 20, 60, 200]) : r.int(0, 5);
      const ac = new AbortController();
      const cancel = r.chance(0.25) ? setTimeout(() => ac.abort(), r.int(0, 60)) : undefined;
      try {
        const client = r.chance(0.5) ? http : keyed;
        const res = await client.get(`/${i % 7}?${faultQuery(fault, d, r.pick(RETRY_AFTER_INDICES))}`, {
          signal: ac.signal,
        });
        outcomes.push(String(res.status));
      } catch (error) {
        outcomes.push(
          isCircuitOpenError(error) ? 'rejected' : ((error as { code?: string }).code ?? 'error'),
        );
      } finally {
        clearTimeout(cancel);
      }
    });
    const busy = await waitForSettled(() => registry.all(), 2_000);
    const stuck = stuckAfter(clock, PROBE_MS, registry.all());
    console.log(
      '[chaos] axios',
      JSON.stringify({ seed: SEED, requests: outcomes.length, outcomes: tally(outcomes, String) }),
    );
    expect({ busy, stuck, faults: faults.seen.map(String) }, `seed ${SEED}`).toEqual({
      busy: [],
      stuck: [],
      faults: [],
    });
    expect(outcomes).toContain('rejected');
  });
});

// Declared only while a fix is pending: vitest refuses a suite without tests.
const chaosPending = PENDING.earlyLeave || PENDING.throwingClock || PENDING.unboundedRetryAfter;
(chaosPending ? describe : describe.skip)(
  'chaos over HTTP: pending fixes (their inputs are left out of the runs above)',
  () => {
    if (PENDING.earlyLeave) {
      // Repro: see PENDING.earlyLeave; set it to false once issue 18 item 1 is fixed in express and koa.
      it.todo('clients that leave before breaker() runs (behind an async middleware) leak no permit');
    }
    if (PENDING.throwingClock) {
      // Repro: see PENDING.throwingClock; set it to false once issue 18 item 2 is fixed in core.
      it.todo(
        'a clock that throws while calls are admitted and settled loses no call and rejects nothing unhandled',
      );
    }
    if (PENDING.unboundedRetryAfter) {
      // Repro: see PENDING.unboundedRetryAfter; set it to false once issue 18 item 4 caps Retry-After.
      it.todo('a Retry-After of 99999999999 s or a date in 2999 opens the circuit for at most maxRetryAfter');
    }
  },
);
