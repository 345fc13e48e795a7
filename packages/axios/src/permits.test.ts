import { BreakerRegistry, type CircuitBreaker } from '@tripswitch/core';
import axios, { type AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { isCircuitOpenError, withBreaker } from './index.js';
import { counts, seededRandom, useHarness } from './test-support.js';

const h = useHarness();
const client = h.client;
const breaker = () => h.breaker();

async function outcome(promise: Promise<unknown>): Promise<{ ok: boolean; value: unknown }> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (value: unknown) => ({ ok: false, value }),
  );
}

/** Every admitted call settled exactly once: `admitted` outcomes in all, none still in flight. */
function expectSettled(b: CircuitBreaker<never>, expected: Partial<ReturnType<typeof counts>>) {
  expect(counts(b)).toEqual({ success: 0, failure: 0, ignored: 0, rejected: 0, inFlight: 0, ...expected });
}

describe('permits are settled exactly once', () => {
  it('when a request interceptor throws: nothing is admitted, nothing is sent', async () => {
    const http = client();
    const boom = new Error('request interceptor');
    http.interceptors.request.use(() => {
      throw boom;
    });
    expect((await outcome(http.get('/x'))).value).toBe(boom);
    expect(h.registry.has(h.upstream.origin)).toBe(false);
    expect(h.upstream.requests).toBe(0);
  });

  it('when a response interceptor throws after the answer: one success', async () => {
    const http = client();
    const boom = new Error('response interceptor');
    http.interceptors.response.use(() => {
      throw boom;
    });
    expect((await outcome(http.get('/x'))).value).toBe(boom);
    expectSettled(breaker(), { success: 1 });
  });

  it('when a response interceptor turns a failure into a value: one failure', async () => {
    const http = client();
    http.interceptors.response.use(undefined, () => ({ data: 'recovered' }));
    h.upstream.mode = { status: 500 };
    expect(await outcome(http.get('/x'))).toEqual({ ok: true, value: { data: 'recovered' } });
    expectSettled(breaker(), { failure: 1 });
  });

  it('when transforming the response throws: one success (the upstream answered)', async () => {
    const http = client();
    const boom = new Error('transform');
    const result = await outcome(
      http.get('/x', {
        transformResponse: [
          () => {
            throw boom;
          },
        ],
      }),
    );
    expect(result.ok).toBe(false);
    expectSettled(breaker(), { success: 1 });
  });

  it('when the adapter throws synchronously or rejects: one failure each, the error unchanged', async () => {
    const boom = new Error('adapter bug');
    const http = client(
      {},
      {
        adapter: [
          () => {
            throw boom;
          },
        ],
      },
    );
    expect((await outcome(http.get('/x'))).value).toBe(boom);
    const rejecting = client({ registry: new BreakerRegistry() }, { adapter: () => Promise.reject(boom) });
    expect((await outcome(rejecting.get('/x'))).value).toBe(boom);
    expectSettled(breaker(), { failure: 1 });
  });

  it('when the adapter cannot be resolved: nothing is admitted', async () => {
    const http = client({}, { adapter: 'nonexistent' as never });
    const result = await outcome(http.get('/x'));
    expect((result.value as AxiosError).message).toMatch(/Unknown adapter/);
    expect(h.registry.has(h.upstream.origin)).toBe(false);
  });

  it('when a URL cannot be resolved: the request goes to Axios without a breaker, and Axios rejects it', async () => {
    const http = axios.create();
    withBreaker(http, { registry: h.registry, clock: h.clock });
    const result = await outcome(http.get('/relative/without/base'));
    expect((result.value as AxiosError).code).toBe('ERR_INVALID_URL');
    expect(h.registry.size).toBe(0);
  });

  it('when the caller cancels while the request is in flight: one ignored', async () => {
    const http = client();
    const controller = new AbortController();
    h.upstream.mode = { status: 200, delayMs: 1000 };
    const pending = outcome(http.get('/x', { signal: controller.signal }));
    await h.upstream.whenRequests(1);
    expect(breaker().getMetrics().inFlight).toBe(1);
    controller.abort();
    expect(axios.isCancel((await pending).value)).toBe(true);
    expectSettled(breaker(), { ignored: 1 });
  });

  it('when a half_open trial is cancelled: its slot is freed for the next trial', async () => {
    const http = client({ failureThreshold: 1, resetTimeout: 1000, halfOpenMaxCalls: 1 });
    h.upstream.mode = { status: 500 };
    await outcome(http.get('/x'));
    h.clock.advance(1000);
    h.upstream.mode = { status: 200, delayMs: 1000 };
    const controller = new AbortController();
    const trial = outcome(http.get('/x', { signal: controller.signal }));
    await h.upstream.whenRequests(2);
    expect(isCircuitOpenError((await outcome(http.get('/x'))).value)).toBe(true);
    controller.abort();
    await trial;
    h.upstream.mode = { status: 200 };
    expect((await outcome(http.get('/x'))).ok).toBe(true);
    expect(breaker().state).toBe('closed');
    expectSettled(breaker(), { failure: 1, ignored: 1, success: 1, rejected: 1 });
  });
});

describe('a storm of 1,000 requests', () => {
  it('with random cancellations, timeouts and failures leaks no permit', { timeout: 30_000 }, async () => {
    const random = seededRandom(0x7415);
    const http = client(
      { failureThreshold: 3, resetTimeout: 500, halfOpenMaxCalls: 2 },
      // The Axios timeout ends the hanging requests; it leaves room for a slow machine's ordinary latency.
      { timeout: 100, validateStatus: (s) => s < 400 },
    );
    const total = 1000;
    const concurrency = 8;
    const seen = { fulfilled: 0, circuitOpen: 0, canceled: 0, timeouts: 0, otherErrors: 0 };
    let next = 0;

    const one = async () => {
      const r = random();
      const path =
        r < 0.45
          ? '/?status=200'
          : r < 0.55
            ? '/?status=500'
            : r < 0.58
              ? '/?status=503'
              : r < 0.61
                ? '/?do=reset'
                : r < 0.67
                  ? '/?do=hang'
                  : r < 0.77
                    ? '/?status=404'
                    : `/?delay=${Math.floor(random() * 15)}`;
      const controller = new AbortController();
      const pending = http.get(path, { signal: controller.signal });
      const cancel = random();
      if (cancel < 0.1) controller.abort();
      else if (cancel < 0.25) setTimeout(() => controller.abort(), Math.floor(random() * 10));
      try {
        await pending;
        seen.fulfilled++;
      } catch (error) {
        if (isCircuitOpenError(error)) {
          seen.circuitOpen++;
          // Skip to the end of the open period; while the trials are all in flight, pace the rejections
          // (real ms, only so that a hanging trial does not turn the rest of the storm into rejections).
          if (error.retryAfterMs > 0) h.clock.advance(error.retryAfterMs);
          else await new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(random() * 20)));
          return;
        }
        if (axios.isCancel(error)) seen.canceled++;
        else if ((error as AxiosError).code === 'ECONNABORTED') seen.timeouts++;
        else seen.otherErrors++;
      }
      h.clock.advance(10);
    };
    const worker = async () => {
      while (next < total) {
        next++;
        await one();
      }
    };
    await Promise.all(Array.from({ length: concurrency }, worker));

    const b = breaker();
    const m = b.getMetrics();
    expect(m.inFlight).toBe(0);
    // Every request was either admitted and settled once, or rejected: none was lost or counted twice.
    expect(m.successCount + m.failureCount + m.ignoredCount + m.rejectedCount).toBe(total);
    // A rejection the caller cancelled at once reaches it as a CanceledError (Axios checks the signal).
    expect(m.rejectedCount).toBeGreaterThanOrEqual(seen.circuitOpen);
    expect(m.rejectedCount).toBeLessThanOrEqual(seen.circuitOpen + seen.canceled);
    expect(seen.fulfilled + seen.circuitOpen + seen.canceled + seen.timeouts + seen.otherErrors).toBe(total);
    // The storm did what it was meant to: all kinds happened, and the breaker opened and recovered.
    expect(seen.circuitOpen).toBeGreaterThan(0);
    expect(seen.canceled).toBeGreaterThan(0);
    expect(seen.timeouts).toBeGreaterThan(0);
    expect(m.ignoredCount).toBeGreaterThan(0);
    // Not a timing target: on a loaded machine hanging trials hold half_open longer and more requests are
    // rejected, but a storm that admitted only a handful would not have exercised the permits.
    expect(m.successCount + m.failureCount + m.ignoredCount).toBeGreaterThan(total / 10);
    expect(m.stateChanges).toBeGreaterThan(2);

    // Afterwards the breaker still admits its trial calls: trip it, wait it out, and both trials go through.
    h.upstream.mode = { status: 500 };
    for (let i = 0; i < 10 && b.state !== 'open'; i++) await outcome(http.get('/?status=500'));
    expect(b.state).toBe('open');
    h.clock.advance(500);
    h.upstream.mode = { status: 200, delayMs: 20 };
    const before = h.upstream.requests;
    const trials = await Promise.all([
      outcome(http.get('/t')),
      outcome(http.get('/t')),
      outcome(http.get('/t')),
    ]);
    expect(trials.map((t) => t.ok)).toEqual([true, true, false]);
    expect(h.upstream.requests - before).toBe(2);
    expect(b.state).toBe('closed');
    expect(b.getMetrics().inFlight).toBe(0);
  });
});
