import { ensureRedisServer, startRedis, type TestRedis } from '@tripswitch/testkit/redis-server';
import { Redis } from 'ioredis';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import {
  now,
  type ReplicaEvent,
  type ReplicaProcess,
  startReplica,
  startUpstream,
  type Upstream,
} from './fleet-process.js';

const server = ensureRedisServer();
const BREAKER = 'quotes-upstream';
const RESET_TIMEOUT_MS = 400;
const TRIAL_LEASE_MS = 1500;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Polls `check` every 10 ms for at most `limitMs`; returns whether it came true. */
async function waitFor(limitMs: number, check: () => boolean | Promise<boolean>): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (await check()) return true;
    await sleep(10);
  }
  return check();
}

function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}

/** State changes of the upstream breaker reported by `r` after index `from` of its events. */
function changes(r: ReplicaProcess, from: number, to?: string): ReplicaEvent[] {
  return r.events
    .slice(from)
    .filter((e) => e.event === 'state' && e.breaker === BREAKER && (to === undefined || e.to === to));
}

describe.skipIf('skip' in server)(
  'a fleet of three replica processes coordinated through a real redis-server',
  () => {
    let redis: TestRedis;
    let upstream: Upstream;
    let fleet: ReplicaProcess[] = [];
    const env = () => ({
      REDIS_URL: redis.url,
      UPSTREAM_URL: upstream.url,
      RESET_TIMEOUT_MS: String(RESET_TIMEOUT_MS),
      TRIAL_LEASE_MS: String(TRIAL_LEASE_MS),
      ROUTE_FAILURE_THRESHOLD: '100000',
    });
    const call = (r: ReplicaProcess) =>
      r.get('/quotes/ACME').catch((error: unknown) => ({ status: 0, body: { error: String(error) } }));
    /** One request to each replica every ~10 ms until `check` holds or `limitMs` passed. */
    const drive = async (replicas: readonly ReplicaProcess[], limitMs: number, check: () => boolean) =>
      waitFor(limitMs, async () => {
        await Promise.all(replicas.map(call));
        return check();
      });
    const trip = async (origin: ReplicaProcess) => {
      upstream.mode = 'down';
      for (let i = 0; i < 3; i++) await call(origin);
    };

    beforeAll(async () => {
      redis = await startRedis((server as { binary: string }).binary);
      upstream = await startUpstream();
    });
    beforeEach(async () => {
      if (!redis.running) await redis.restart();
      upstream.mode = 'up';
      upstream.downOnlyFor = undefined;
      fleet = await Promise.all(['a', 'b', 'c'].map((id) => startReplica(`replica-${id}`, env())));
      expect(
        await waitFor(5000, async () =>
          (await Promise.all(fleet.map((r) => r.get('/health/coordination')))).every(
            (h) => h.body.connected === true,
          ),
        ),
      ).toBe(true);
    });
    afterEach(async () => {
      const alive = fleet.filter((r) => r.child.exitCode === null && r.child.signalCode === null);
      for (const r of alive) expect(r.events.filter((e) => e.event === 'unhandledRejection')).toEqual([]);
      await Promise.all(fleet.map((r) => r.stop()));
      fleet = [];
    });
    afterAll(async () => {
      await upstream?.close();
      await redis?.stop();
    });

    it('trips all within 100 ms (p99), lets exactly one replica probe, re-opens all on a failed trial, closes all on success', async () => {
      const latencies: number[] = [];
      const trialCounts: number[] = [];
      // Cycle 0 warms up (first connections, JIT) and is not measured.
      for (let cycle = 0; cycle < 10; cycle++) {
        const origin = fleet[cycle % 3] as ReplicaProcess;
        const marks = fleet.map((r) => r.events.length);
        await trip(origin);
        expect(
          await waitFor(2000, () => fleet.every((r, i) => changes(r, marks[i] as number, 'open').length > 0)),
        ).toBe(true);
        const opened = fleet.map((r, i) => changes(r, marks[i] as number, 'open')[0] as ReplicaEvent);
        const own = opened[cycle % 3] as ReplicaEvent;
        expect(own.reason).toBe('consecutive_failures');
        for (const [i, e] of opened.entries()) {
          if (i === cycle % 3) continue;
          expect(e.reason).toBe('remote');
          if (cycle > 0) latencies.push(e.at - own.at);
        }

        if (cycle % 3 === 1) {
          // The upstream is still down: the one trial fails and every replica re-opens.
          const hitMark = upstream.hits.length;
          const failMarks = fleet.map((r) => r.events.length);
          const failed = () =>
            fleet.some((r, i) => changes(r, failMarks[i] as number).some((e) => e.reason === 'trial_failed'));
          expect(await drive(fleet, 4000, failed)).toBe(true);
          await sleep(30);
          const trials = upstream.hits.slice(hitMark);
          expect(new Set(trials.map((h) => h.replica)).size).toBe(1);
          expect(trials.length).toBe(1);
          for (const r of fleet) {
            const health = await r.get('/health/breakers');
            expect((health.body.breakers as Record<string, { state: string }>)[BREAKER]?.state).toBe('open');
          }
        }

        upstream.mode = 'up';
        const hitMark = upstream.hits.length;
        const closeMarks = fleet.map((r) => r.events.length);
        const closed = () => fleet.every((r, i) => changes(r, closeMarks[i] as number, 'closed').length > 0);
        expect(await drive(fleet, 5000, closed)).toBe(true);
        // A trial is a request a replica sent before its own breaker closed.
        const hits = upstream.hits.slice(hitMark);
        const trialsBy = fleet.map((r, i) => {
          const closedAt = (changes(r, closeMarks[i] as number, 'closed')[0] as ReplicaEvent).at;
          return hits.filter((h) => h.replica === r.id && h.at < closedAt).length;
        });
        expect(trialsBy.filter((n) => n > 0).length).toBe(1);
        trialCounts.push(trialsBy.reduce((a, b) => a + b, 0));
        const reasons = fleet
          .map((r, i) => (changes(r, closeMarks[i] as number, 'closed')[0] as ReplicaEvent).reason)
          .sort();
        expect(reasons).toEqual(['remote', 'remote', 'trial_succeeded']);
      }
      const p50 = quantile(latencies, 0.5);
      const p99 = quantile(latencies, 0.99);
      console.log(
        `[fleet] trip propagation across 3 processes over ${latencies.length} remote opens: p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms; ` +
          `upstream trial calls per recovery: ${trialCounts.join(', ')}`,
      );
      expect(p99).toBeLessThan(100);
      expect(trialCounts.every((n) => n === 1)).toBe(true);
    });

    it('keeps serving locally when Redis is SIGKILLed, and coordinates again within seconds of its restart', async () => {
      const [a, b, c] = fleet as [ReplicaProcess, ReplicaProcess, ReplicaProcess];
      const slowest = { ms: 0 };
      const statuses = new Set<number>();
      let loading = true;
      const load = (async () => {
        while (loading) {
          await Promise.all(
            [b, c].map(async (r) => {
              const t0 = now();
              statuses.add((await call(r)).status);
              slowest.ms = Math.max(slowest.ms, now() - t0);
            }),
          );
          await sleep(10);
        }
      })();
      await sleep(300);
      upstream.downOnlyFor = a.id;
      await redis.kill();
      expect(
        await waitFor(5000, async () =>
          (await Promise.all(fleet.map((r) => r.get('/health/coordination')))).every(
            (h) => h.body.connected === false,
          ),
        ),
      ).toBe(true);
      // A trip now stays on its replica; the others keep serving.
      const marks = fleet.map((r) => r.events.length);
      await trip(a);
      expect(changes(a, marks[0] as number, 'open').length).toBe(1);
      await sleep(200);
      expect(changes(b, marks[1] as number).length + changes(c, marks[2] as number).length).toBe(0);
      upstream.mode = 'up';
      // Without Redis, A half-opens on its own and closes on its own trial.
      expect(await drive([a], 3000, () => changes(a, marks[0] as number, 'closed').length > 0)).toBe(true);

      upstream.downOnlyFor = undefined;
      await redis.restart();
      const restartedAt = Date.now();
      expect(
        await waitFor(10_000, async () =>
          (await Promise.all(fleet.map((r) => r.get('/health/coordination')))).every(
            (h) => h.body.connected === true,
          ),
        ),
      ).toBe(true);
      const resumedMs = Date.now() - restartedAt;
      const again = fleet.map((r) => r.events.length);
      upstream.downOnlyFor = b.id;
      await trip(b);
      expect(
        await waitFor(
          2000,
          () =>
            changes(a, again[0] as number, 'open').length > 0 &&
            changes(c, again[2] as number, 'open').length > 0,
        ),
      ).toBe(true);
      expect([a, c].map((r, i) => changes(r, again[i * 2] as number, 'open')[0]?.reason)).toEqual([
        'remote',
        'remote',
      ]);
      upstream.mode = 'up';
      loading = false;
      await load;
      console.log(
        `[fleet] coordination resumed ${resumedMs} ms after Redis restarted; slowest request meanwhile ${slowest.ms.toFixed(0)} ms`,
      );
      expect(resumedMs).toBeLessThan(5000);
      expect(statuses.has(0)).toBe(false);
      expect([...statuses].every((s) => s === 200 || s === 502 || s === 503)).toBe(true);
      expect(slowest.ms).toBeLessThan(1000);
      expect(fleet.every((r) => r.child.exitCode === null)).toBe(true);
    });

    it('gives the trial slot to another replica after the lease when the winner is killed mid-trial', async () => {
      const marks = fleet.map((r) => r.events.length);
      await trip(fleet[0] as ReplicaProcess);
      expect(
        await waitFor(2000, () => fleet.every((r, i) => changes(r, marks[i] as number, 'open').length > 0)),
      ).toBe(true);
      upstream.mode = 'hang';
      const hitMark = upstream.hits.length;
      expect(await drive(fleet, 3000, () => upstream.hits.length > hitMark)).toBe(true);
      const first = upstream.hits[hitMark] as { replica: string; at: number };
      const winner = fleet.find((r) => r.id === first.replica) as ReplicaProcess;
      winner.child.kill('SIGKILL');
      const others = fleet.filter((r) => r !== winner);
      upstream.mode = 'up';
      const closeMarks = others.map((r) => r.events.length);
      const closed = () => others.every((r, i) => changes(r, closeMarks[i] as number, 'closed').length > 0);
      expect(await drive(others, TRIAL_LEASE_MS + 5000, closed)).toBe(true);
      const takeover = upstream.hits.slice(hitMark + 1).find((h) => h.replica !== winner.id) as {
        replica: string;
        at: number;
      };
      const waitedMs = takeover.at - first.at;
      console.log(
        `[fleet] the winner died mid-trial; ${takeover.replica} took the slot ${waitedMs.toFixed(0)} ms after its trial began`,
      );
      expect(waitedMs).toBeGreaterThan(TRIAL_LEASE_MS * 0.8);
      expect(waitedMs).toBeLessThan(TRIAL_LEASE_MS + 3000);
      const hitsBefore = upstream.hits.slice(hitMark + 1).filter((h) => h.at < takeover.at + 1);
      expect(new Set(hitsBefore.map((h) => h.replica))).toEqual(new Set([takeover.replica]));
    });

    it('drops and counts a flood of malformed and oversized messages, with no breaker change and no crash', async () => {
      const publisher = new Redis(redis.url);
      const bad = [
        '{',
        'null',
        '{"v":2}',
        JSON.stringify({ v: 1, type: 'open', name: BREAKER, remainingMs: -1, reason: 'x', origin: 'evil' }),
        'z'.repeat(100_000),
      ];
      const count = 200;
      const pipeline = publisher.pipeline();
      for (let i = 0; i < count; i++) for (const m of bad) pipeline.publish('tripswitch-fleet', m);
      await pipeline.exec();
      publisher.disconnect();
      const total = count * bad.length;
      expect(
        await waitFor(10_000, async () =>
          (await Promise.all(fleet.map((r) => r.get('/health/coordination')))).every(
            (h) => h.body.dropped === total,
          ),
        ),
      ).toBe(true);
      for (const r of fleet) {
        const h = await r.get('/health/coordination');
        expect(h.body.droppedBy).toEqual({ oversized: count, malformed: count * (bad.length - 1) });
        expect(changes(r, 0).length).toBe(0);
        expect((await call(r)).status).toBe(200);
      }
    });
  },
);
