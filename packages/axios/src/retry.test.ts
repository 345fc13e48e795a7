import { BreakerRegistry, createTestClock, retry, type TestClock } from '@tripswitch/core';
import axios, { type AxiosError, type AxiosInstance } from 'axios';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { isCircuitOpenError, withBreaker } from './index.js';
import { startUpstream, type Upstream } from './test-support.js';

let upstream: Upstream;
let clock: TestClock;
let http: AxiosInstance;

beforeEach(async () => {
  upstream = await startUpstream();
  clock = createTestClock();
});

afterEach(async () => {
  vi.useRealTimers();
  await upstream.close();
});

function install(resetTimeout: number): void {
  http = axios.create({ baseURL: upstream.origin });
  withBreaker(http, { registry: new BreakerRegistry(), clock, failureThreshold: 2, resetTimeout });
}

async function trip(): Promise<void> {
  upstream.mode = { status: 500 };
  await http.get('/x').catch(() => undefined);
  await http.get('/x').catch(() => undefined);
  expect(isCircuitOpenError(await http.get('/x').catch((e: unknown) => e))).toBe(true);
}

/** Lets pending I/O and promise callbacks run (bounded), until `done()` holds. */
async function until(done: () => boolean): Promise<void> {
  for (let i = 0; i < 1000 && !done(); i++) await new Promise((resolve) => setImmediate(resolve));
  expect(done()).toBe(true);
}

describe('retry() around an Axios call behind a breaker', () => {
  it('rethrows the CircuitOpenError at once when the open period exceeds the retry budget', async () => {
    install(60_000);
    await trip();
    const requests = upstream.requests;
    // Fake timers: if retry waited at all, the test would never finish.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let attempts = 0;
    const error = await retry(
      () => {
        attempts++;
        return http.get('/x');
      },
      { maxRetries: 3, initialDelay: 100, jitter: 'none' },
    ).catch((e: unknown) => e);

    expect(isCircuitOpenError(error)).toBe(true);
    expect(attempts).toBe(1);
    expect(vi.getTimerCount()).toBe(0);
    expect(upstream.requests).toBe(requests);
  });

  it('waits out an open period that fits the budget, then succeeds on the trial call', async () => {
    install(1000);
    await trip();
    upstream.mode = { status: 200 };
    const requests = upstream.requests;
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    let attempts = 0;
    // Budget 500 + 1000 + 2000 ms >= the 1000 ms left: retry waits max(backoff, retryAfterMs + 1) = 1001 ms
    // (1 ms past the open period, against timers that fire early).
    const result = retry(
      () => {
        attempts++;
        return http.get('/x');
      },
      { maxRetries: 3, initialDelay: 500, jitter: 'none' },
    );
    await until(() => vi.getTimerCount() === 1);
    expect(attempts).toBe(1);

    // One ms short of the open period, retry is still waiting and nothing was sent.
    clock.advance(999);
    await vi.advanceTimersByTimeAsync(999);
    expect(attempts).toBe(1);
    expect(upstream.requests).toBe(requests);

    clock.advance(2);
    await vi.advanceTimersByTimeAsync(2);
    await expect(result).resolves.toMatchObject({ status: 200 });
    expect(attempts).toBe(2);
    expect(upstream.requests).toBe(requests + 1);
  });

  it('retries failures until the breaker opens, then stops at once on the long open period', async () => {
    install(60_000);
    upstream.mode = { status: 503 };
    const seen: unknown[] = [];
    // Real timers with 1 ms backoffs: the waits are retry's own, not the breaker's.
    const error = await retry(
      async () => {
        try {
          return await http.get('/x');
        } catch (e) {
          seen.push(e);
          throw e;
        }
      },
      { maxRetries: 5, initialDelay: 1, jitter: 'none' },
    ).catch((e: unknown) => e);

    expect(seen.map((e) => (isCircuitOpenError(e) ? 'open' : (e as AxiosError).response?.status))).toEqual([
      503,
      503,
      'open',
    ]);
    expect(error).toBe(seen[2]);
    expect(upstream.requests).toBe(2);
  });
});
