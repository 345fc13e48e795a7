/**
 * The conformance suite of the HTTP client adapters (Axios, fetch, undici): the behaviour they share,
 * written once against real requests to a real local upstream. Each adapter runs it with a driver that
 * says how to install it and send a request with its own client.
 */
import {
  BreakerRegistry,
  type CircuitBreaker,
  CircuitOpenError,
  isCircuitOpenError,
  type StateChangeEvent,
} from '@tripswitch/core';
import { beforeEach, describe, expect, it } from 'vitest';
import { counts } from './breaker-counts.js';
import { useClientHarness } from './client-harness.js';
import { rejectionOf } from './rejection-of.js';
import { seededRandom } from './seeded-random.js';
import { closedPort, startUpstream, type UpstreamMode } from './upstream.js';

/** What the suite asks of one request; the driver maps it onto its client. */
export interface SuiteRequest {
  readonly method?: string;
  readonly signal?: AbortSignal;
  /** The client's own timeout (Axios's `timeout`, fetch's `AbortSignal.timeout()`), in ms. */
  readonly timeoutMs?: number;
  /** `false`: the adapter's per-request opt-out. */
  readonly breaker?: false;
  readonly headers?: Readonly<Record<string, string>>;
}

/** A client with the adapter installed. */
export interface ClientUnderTest {
  /**
   * Sends a request to an absolute URL. Resolves with the status, whatever it is (then the driver reads
   * and drops the body), or rejects with what the client rejected with.
   */
  send(url: string, request?: SuiteRequest): Promise<number>;
}

/** How the suite drives one adapter. */
export interface ClientAdapterDriver {
  /** Shows in the describe block's name: `axios`, `withBreaker(fetch)`. */
  readonly label: string;
  /** How the adapter's messages call `key`'s argument: `config`, `request`. */
  readonly keyArg: string;
  /** Whether the adapter has a per-request opt-out ({@link SuiteRequest.breaker}). */
  readonly optOut: boolean;
  /** Installs the adapter with these options (core and client options; `registry` and `clock` always given). */
  client(options: Record<string, unknown>): ClientUnderTest;
  /** True for what the client rejects with when its caller aborted the request. */
  isAbort(error: unknown): boolean;
  /** True for what the client rejects with when its own timeout ended the request. */
  isTimeout(error: unknown): boolean;
  /**
   * The error the adapter raised (a `CircuitOpenError`, a `key` error) in what the client rejected with:
   * itself, or where the client wraps it (fetch's `TypeError('fetch failed')` has it as its `cause`).
   */
  adapterErrorOf(error: unknown): unknown;
  /** The status of what `isFailure` receives for an answered request. */
  statusOf(errorOrResponse: unknown): number | undefined;
  /** `code`s of the error a failure records for a connection the upstream reset. */
  readonly resetCodes: readonly string[];
}

/** Registers the client conformance suite for one adapter. */
export function describeClientAdapter(driver: ClientAdapterDriver): void {
  // Real requests on a shared, sometimes loaded machine: more room than vitest's 5 s default.
  describe(`client adapter conformance: ${driver.label}`, { timeout: 20_000 }, () => {
    const h = useClientHarness();
    let transitions: StateChangeEvent[];
    beforeEach(() => {
      transitions = [];
    });

    const client = (options: Record<string, unknown> = {}) =>
      driver.client({ registry: h.registry, clock: h.clock, ...options });
    const url = (path = '/x') => `${h.upstream.origin}${path}`;
    const breakerOf = (name = h.upstream.origin): CircuitBreaker<never> => {
      expect(h.registry.has(name)).toBe(true);
      return h.registry.get(name);
    };
    const circuitOpenErrorOf = (error: unknown): CircuitOpenError | undefined => {
      const raised = driver.adapterErrorOf(error);
      return isCircuitOpenError(raised) ? raised : undefined;
    };
    const isOpen = (error: unknown) => circuitOpenErrorOf(error) !== undefined;
    /** Creates the upstream's breaker up front with these core options, so the test can watch it. */
    const watched = (core: Record<string, unknown>) => {
      const options = { clock: h.clock, failureThreshold: 5, resetTimeout: 1000, ...core };
      const breaker = h.registry.get(h.upstream.origin, options);
      breaker.on('stateChange', (event) => transitions.push(event));
      return { options, breaker };
    };
    /**
     * A client whose breaker one failure has opened and the clock has just made half_open, with one trial
     * slot; the upstream answers `mode` from then on.
     */
    async function halfOpenClient(mode: UpstreamMode): Promise<ClientUnderTest> {
      const http = client({ failureThreshold: 1, resetTimeout: 1000, halfOpenMaxCalls: 1 });
      h.upstream.mode = { status: 500 };
      await http.send(url());
      h.clock.advance(1000);
      h.upstream.mode = mode;
      return http;
    }
    const settle = (promise: Promise<unknown>) =>
      promise.then(
        (status) => status,
        (error: unknown) => error,
      );

    describe('admission and rejection', () => {
      it('applies the core options given (opens after failureThreshold failures)', async () => {
        const http = client({ failureThreshold: 2, resetTimeout: 30_000 });
        h.upstream.mode = { status: 500 };
        await http.send(url());
        expect(breakerOf().state).toBe('closed');
        await http.send(url());
        expect(breakerOf().state).toBe('open');
      });

      it('rejects with a CircuitOpenError, sends nothing, and reports retryAfterMs by the clock', async () => {
        const http = client({ failureThreshold: 2, resetTimeout: 30_000 });
        h.upstream.mode = { status: 500 };
        await http.send(url());
        await http.send(url());
        const { requests, connections } = h.upstream;

        h.clock.advance(12_000);
        const errors: unknown[] = [];
        for (let i = 0; i < 10; i++) errors.push(await rejectionOf(http.send(url(`/charges?i=${i}`))));

        expect(h.upstream.requests).toBe(requests);
        expect(h.upstream.connections).toBe(connections);
        const error = circuitOpenErrorOf(errors[0]);
        expect(error).toBeInstanceOf(CircuitOpenError);
        expect(error).toMatchObject({
          code: 'CIRCUIT_OPEN',
          breakerName: h.upstream.origin,
          state: 'open',
          kind: 'circuit_open',
          retryAfterMs: 18_000,
        });
        expect(counts(breakerOf())).toMatchObject({ failure: 2, rejected: 10, inFlight: 0 });

        h.clock.advance(18_000);
        h.upstream.mode = { status: 200 };
        expect(await http.send(url('/charges'))).toBe(200);
        expect(breakerOf().state).toBe('closed');
        expect(h.upstream.requests).toBe(requests + 1);
      });

      it('keeps upstreams apart: one failing origin does not stop calls to another', async () => {
        const other = await startUpstream();
        try {
          const http = client({ failureThreshold: 3 });
          h.upstream.mode = { status: 503 };
          for (let i = 0; i < 3; i++) await http.send(url());
          expect(breakerOf().state).toBe('open');
          for (let i = 0; i < 5; i++) {
            expect(await http.send(`${other.origin}/y`)).toBe(200);
            expect(isOpen(await rejectionOf(http.send(url())))).toBe(true);
          }
          expect(other.requests).toBe(5);
          expect(h.upstream.requests).toBe(3);
          expect(counts(breakerOf(other.origin))).toMatchObject({ success: 5, rejected: 0 });
        } finally {
          await other.close();
        }
      });

      it('names breakers by origin (scheme://host:port), whatever the path and query', async () => {
        const http = client();
        await http.send(url('/api/v1/users/1'));
        await http.send(url('/orders?page=2'));
        await http.send(`http://127.0.0.1:${h.upstream.port}/absolute`);
        expect(h.registry.all().map((b) => b.name)).toEqual([`http://127.0.0.1:${h.upstream.port}`]);
        expect(counts(breakerOf()).success).toBe(3);
      });

      it('uses a custom key, and rejects without sending when the key is not a non-empty string', async () => {
        const http = client({ key: () => 'payments' });
        await http.send(url('/users/1'));
        await http.send(url('/users/2'));
        expect(counts(breakerOf('payments')).success).toBe(2);

        const error = driver.adapterErrorOf(await rejectionOf(client({ key: () => '' }).send(url())));
        expect(error).toBeInstanceOf(TypeError);
        expect((error as Error).message).toBe(`key(${driver.keyArg}) must return a non-empty string, got ""`);
        const boom = new Error('key failed');
        const throwing = client({
          key: () => {
            throw boom;
          },
        });
        expect(driver.adapterErrorOf(await rejectionOf(throwing.send(url())))).toBe(boom);
        expect(h.upstream.requests).toBe(2);
      });

      it.runIf(driver.optOut)('lets a request that opts out through an open circuit, uncounted', async () => {
        const http = client({ failureThreshold: 1 });
        h.upstream.mode = { status: 500 };
        await http.send(url());
        expect(breakerOf().state).toBe('open');
        h.upstream.mode = { status: 200 };
        const before = counts(breakerOf());
        expect(await http.send(url('/health'), { breaker: false })).toBe(200);
        expect(counts(breakerOf())).toEqual(before);
        expect(h.upstream.requests).toBe(2);
        expect(isOpen(await rejectionOf(http.send(url())))).toBe(true);
      });

      it('half_open with halfOpenMaxCalls 1: of 20 concurrent requests exactly one is sent', async () => {
        const http = await halfOpenClient({ status: 200, delayMs: 30 });
        const before = h.upstream.requests;

        const results = await Promise.allSettled(Array.from({ length: 20 }, () => http.send(url())));

        expect(h.upstream.requests - before).toBe(1);
        expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
        const rejections = results.flatMap((r) =>
          r.status === 'rejected' ? [circuitOpenErrorOf(r.reason)] : [],
        );
        expect(rejections).toHaveLength(19);
        for (const error of rejections) {
          expect(error).toMatchObject({ state: 'half_open', kind: 'half_open_full', retryAfterMs: 0 });
        }
        expect(breakerOf().state).toBe('closed');
        expect(counts(breakerOf())).toMatchObject({ success: 1, inFlight: 0 });
      });

      it('re-opens for a fresh resetTimeout when the trial fails', async () => {
        const http = client({ failureThreshold: 1, resetTimeout: 1000 });
        h.upstream.mode = { status: 500 };
        await http.send(url());
        h.clock.advance(1000);
        expect(breakerOf().state).toBe('half_open');
        await http.send(url());
        expect(breakerOf().state).toBe('open');
        expect(breakerOf().retryAfterMs).toBe(1000);
      });
    });

    describe('classification of real requests (default isFailure)', () => {
      let failures: unknown[];
      let breaker: CircuitBreaker<never>;
      let http: ClientUnderTest;
      beforeEach(() => {
        failures = [];
        breaker = h.registry.get(h.upstream.origin, { clock: h.clock, failureThreshold: 100 });
        breaker.on('failure', (event) => failures.push(event.error));
        http = client();
      });

      it.each([
        ['200', 'success', '/?status=200'],
        ['201', 'success', '/?status=201'],
        ['404', 'success', '/?status=404'],
        ['400', 'success', '/?status=400'],
        ['500', 'failure', '/?status=500'],
        ['502', 'failure', '/?status=502'],
        ['503', 'failure', '/?status=503'],
        ['429', 'failure', '/?status=429'],
        ['a slow 200 within the timeout', 'success', '/?delay=40'],
      ] as const)('counts %s as a %s', async (_, expected, path) => {
        await http.send(url(path), { timeoutMs: 2000 });
        const c = counts(breaker);
        expect({ success: c.success, failure: c.failure, ignored: c.ignored, inFlight: c.inFlight }).toEqual({
          success: expected === 'success' ? 1 : 0,
          failure: expected === 'failure' ? 1 : 0,
          ignored: 0,
          inFlight: 0,
        });
        // HTTP failures are recorded as the status number, so telemetry's error.type is the status.
        if (expected === 'failure') expect(failures).toEqual([Number(path.slice(-3))]);
      });

      it('counts a reset connection as a failure, recording the network error', async () => {
        await rejectionOf(http.send(url('/?do=reset')));
        expect(counts(breaker)).toMatchObject({ failure: 1, inFlight: 0 });
        expect(driver.resetCodes).toContain((failures[0] as { code?: unknown }).code);
      });

      it("counts a hang past the client's own timeout as a failure", async () => {
        const error = await rejectionOf(http.send(url('/?do=hang'), { timeoutMs: 60 }));
        expect(driver.isTimeout(error)).toBe(true);
        expect(counts(breaker)).toMatchObject({ failure: 1, inFlight: 0 });
      });

      it('counts a refused connection as a failure (ECONNREFUSED)', async () => {
        const origin = `http://127.0.0.1:${await closedPort()}`;
        const refused = h.registry.get(origin, { clock: h.clock });
        const errors: unknown[] = [];
        refused.on('failure', (event) => errors.push(event.error));
        await rejectionOf(http.send(`${origin}/`));
        expect(counts(refused)).toMatchObject({ failure: 1, inFlight: 0 });
        expect((errors[0] as { code?: unknown }).code).toBe('ECONNREFUSED');
      });

      it('counts an unresolvable host as a failure (ENOTFOUND or EAI_AGAIN)', async () => {
        const unknown = h.registry.get('http://tripswitch-test.invalid:80', { clock: h.clock });
        await rejectionOf(http.send('http://tripswitch-test.invalid/', { timeoutMs: 5000 }));
        expect(counts(unknown)).toMatchObject({ failure: 1, inFlight: 0 });
      });

      it('ignores a request its caller aborted in flight', async () => {
        const controller = new AbortController();
        const pending = rejectionOf(http.send(url('/?delay=1000'), { signal: controller.signal }));
        await h.upstream.whenRequests(1);
        controller.abort();
        expect(driver.isAbort(await pending)).toBe(true);
        expect(counts(breaker)).toMatchObject({ ignored: 1, failure: 0, success: 0, inFlight: 0 });
      });

      it('takes no permit for a request aborted before it is sent', async () => {
        const error = await rejectionOf(http.send(url(), { signal: AbortSignal.abort() }));
        expect(driver.isAbort(error)).toBe(true);
        expect(counts(breaker)).toMatchObject({ success: 0, failure: 0, ignored: 0, rejected: 0 });
        expect(h.upstream.requests).toBe(0);
      });

      it('counts nothing but an ignored call for a request the client refuses to send (a bad header)', async () => {
        await rejectionOf(http.send(url(), { headers: { 'x bad': '1' } }));
        expect(counts(breaker)).toMatchObject({ failure: 0, success: 0, rejected: 0, inFlight: 0 });
        expect(counts(breaker).ignored).toBeLessThanOrEqual(1);
        expect(h.upstream.requests).toBe(0);
      });
    });

    describe('classification hooks', () => {
      it('isFailure replaces the default judgement, for responses and errors', async () => {
        const seen: unknown[] = [];
        const http = client({
          isFailure: (errorOrResponse: unknown) => {
            seen.push(errorOrResponse);
            return driver.statusOf(errorOrResponse) === 404;
          },
        });
        for (const status of [404, 500, 200]) await http.send(url(`/?status=${status}`));
        expect(counts(breakerOf())).toMatchObject({ failure: 1, success: 2 });
        expect(seen.map(driver.statusOf)).toEqual([404, 500, 200]);
      });

      it('counts a call whose isFailure hook throws as a failure and reports it', async () => {
        const reported: unknown[] = [];
        const boom = new Error('hook bug');
        const http = client({
          isFailure: () => {
            throw boom;
          },
          onListenerError: (error: unknown, source: string) => reported.push([error, source]),
        });
        expect(await http.send(url())).toBe(200);
        expect(counts(breakerOf())).toMatchObject({ failure: 1, success: 0, inFlight: 0 });
        expect(reported).toEqual([[boom, 'isFailure']]);
      });

      it("applies core's ignore option to errors", async () => {
        const http = client({ ignore: () => true });
        await rejectionOf(http.send(url('/?do=reset')));
        expect(counts(breakerOf())).toMatchObject({ ignored: 1, failure: 0 });
      });
    });

    describe('Retry-After', () => {
      /** Asserts the breaker rejects now and admits a trial after exactly `ms` more on the clock. */
      async function expectOpenFor(http: ClientUnderTest, breaker: CircuitBreaker<never>, ms: number) {
        expect(breaker.state).toBe('open');
        expect(breaker.retryAfterMs).toBe(ms);
        const requests = h.upstream.requests;
        h.clock.advance(ms - 1);
        const rejection = circuitOpenErrorOf(await rejectionOf(http.send(url())));
        expect(rejection?.retryAfterMs).toBe(1);
        expect(h.upstream.requests).toBe(requests);
        h.clock.advance(1);
        h.upstream.mode = { status: 200 };
        expect(await http.send(url())).toBe(200);
        expect(h.upstream.requests).toBe(requests + 1);
        expect(breaker.state).toBe('closed');
      }

      // A server clock far from ours for the HTTP date: only the difference between the two headers matters.
      const served = Date.UTC(2030, 5, 1, 8, 0, 0);
      for (const { name, core, mode, reason, ms } of [
        {
          name: 'opens for the seconds a 503 asks for, with reason retry_after',
          core: {},
          mode: { status: 503, headers: { 'retry-after': '120' } },
          reason: 'retry_after',
          ms: 120_000,
        },
        {
          name: 'opens for the seconds a 429 asks for',
          core: {},
          mode: { status: 429, headers: { 'retry-after': '7' } },
          reason: 'retry_after',
          ms: 7000,
        },
        {
          name: "opens until an HTTP date, measured against the response's Date header",
          core: {},
          mode: {
            status: 503,
            headers: {
              date: new Date(served).toUTCString(),
              'retry-after': new Date(served + 90_000).toUTCString(),
            },
          },
          reason: 'retry_after',
          ms: 90_000,
        },
        {
          name: 'outlasts resetTimeout when the same failure also trips the breaker',
          core: { failureThreshold: 1, resetTimeout: 1000 },
          mode: { status: 503, headers: { 'retry-after': '60' } },
          reason: 'consecutive_failures',
          ms: 60_000,
        },
        {
          name: 'keeps a longer resetTimeout when the same failure trips the breaker (never shortens)',
          core: { failureThreshold: 1, resetTimeout: 60_000 },
          mode: { status: 503, headers: { 'retry-after': '5' } },
          reason: 'consecutive_failures',
          ms: 60_000,
        },
      ]) {
        it(name, async () => {
          const { options, breaker } = watched(core);
          const http = client(options);
          h.upstream.mode = mode;
          await http.send(url());
          expect(transitions).toEqual([{ from: 'closed', to: 'open', reason }]);
          await expectOpenFor(http, breaker, ms);
        });
      }

      it('re-opens from half_open for the stated time when the trial gets a Retry-After', async () => {
        const { options, breaker } = watched({ failureThreshold: 1, resetTimeout: 1000 });
        const http = client(options);
        h.upstream.mode = { status: 500 };
        await http.send(url());
        h.clock.advance(1000);
        h.upstream.mode = { status: 503, headers: { 'retry-after': '45' } };
        await http.send(url());
        expect(transitions.map((t) => `${t.from}>${t.to}:${t.reason}`)).toEqual([
          'closed>open:consecutive_failures',
          'open>half_open:reset_timeout',
          'half_open>open:trial_failed',
        ]);
        expect(breaker.getMetrics().inFlight).toBe(0);
        await expectOpenFor(http, breaker, 45_000);
      });

      it('does nothing with respectRetryAfter: false, a 500, a 200, a missing or a bad header', async () => {
        const { options, breaker } = watched({});
        const off = client({ ...options, respectRetryAfter: false });
        h.upstream.mode = { status: 503, headers: { 'retry-after': '120' } };
        await off.send(url());
        expect(breaker.state).toBe('closed');

        const on = client({ registry: new BreakerRegistry() });
        for (const mode of [
          { status: 500, headers: { 'retry-after': '120' } },
          { status: 503 },
          { status: 503, headers: { 'retry-after': 'later' } },
          { status: 503, headers: { 'retry-after': '-5' } },
          { status: 200, headers: { 'retry-after': '120' } },
        ]) {
          h.upstream.mode = mode;
          await on.send(url());
        }
        expect(h.upstream.requests).toBe(6);
        // Four failures, under the default threshold of 5: had any header counted, this would be rejected.
        h.upstream.mode = { status: 200 };
        expect(await on.send(url())).toBe(200);
      });

      it('does nothing when isFailure says the 429 is not a failure', async () => {
        const { options, breaker } = watched({});
        const http = client({ ...options, isFailure: () => false });
        h.upstream.mode = { status: 429, headers: { 'retry-after': '120' } };
        await http.send(url());
        expect(breaker.state).toBe('closed');
        expect(transitions).toEqual([]);
      });
    });

    describe('permits are settled exactly once', () => {
      it('when a half_open trial is aborted: its slot is freed for the next trial', async () => {
        const http = await halfOpenClient({ status: 200, delayMs: 1000 });
        const controller = new AbortController();
        const trial = settle(http.send(url(), { signal: controller.signal }));
        await h.upstream.whenRequests(2);
        expect(isOpen(await rejectionOf(http.send(url())))).toBe(true);
        controller.abort();
        expect(driver.isAbort(await trial)).toBe(true);
        h.upstream.mode = { status: 200 };
        expect(await http.send(url())).toBe(200);
        expect(breakerOf().state).toBe('closed');
        expect(counts(breakerOf())).toEqual({ failure: 1, ignored: 1, success: 1, rejected: 1, inFlight: 0 });
      });

      it('in a storm of 1,000 requests with aborts, timeouts, resets and failures', {
        timeout: 60_000,
      }, async () => {
        const random = seededRandom(0x7415);
        const http = client({ failureThreshold: 3, resetTimeout: 500, halfOpenMaxCalls: 2 });
        const total = 1000;
        const seen = { answered: 0, circuitOpen: 0, aborted: 0, timeouts: 0, otherErrors: 0 };
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
          // The client's timeout ends the hanging requests; it leaves room for a slow machine's latency.
          const pending = http.send(url(path), { signal: controller.signal, timeoutMs: 100 });
          const abort = random();
          if (abort < 0.1) controller.abort();
          else if (abort < 0.25) setTimeout(() => controller.abort(), Math.floor(random() * 10));
          try {
            await pending;
            seen.answered++;
          } catch (error) {
            const open = circuitOpenErrorOf(error);
            if (open !== undefined) {
              seen.circuitOpen++;
              // Skip to the end of the open period; while the trials are all in flight, pace the rejections
              // (real ms, only so that a hanging trial does not turn the rest of the storm into rejections).
              if (open.retryAfterMs > 0) h.clock.advance(open.retryAfterMs);
              else await new Promise((resolve) => setTimeout(resolve, 1 + Math.floor(random() * 20)));
              return;
            }
            if (driver.isAbort(error)) seen.aborted++;
            else if (driver.isTimeout(error)) seen.timeouts++;
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
        await Promise.all(Array.from({ length: 8 }, worker));

        const b = breakerOf();
        const m = b.getMetrics();
        expect(m.inFlight).toBe(0);
        // Every request was admitted and settled once, rejected, or (aborted before the adapter saw it)
        // never admitted: none was lost or counted twice.
        const counted = m.successCount + m.failureCount + m.ignoredCount + m.rejectedCount;
        expect(counted).toBeLessThanOrEqual(total);
        expect(counted).toBeGreaterThanOrEqual(total - seen.aborted);
        expect(m.rejectedCount).toBeGreaterThanOrEqual(seen.circuitOpen);
        expect(seen.answered + seen.circuitOpen + seen.aborted + seen.timeouts + seen.otherErrors).toBe(
          total,
        );
        // The storm did what it was meant to: all kinds happened, and the breaker opened and recovered.
        expect(seen.circuitOpen).toBeGreaterThan(0);
        expect(seen.aborted).toBeGreaterThan(0);
        expect(seen.timeouts).toBeGreaterThan(0);
        expect(m.ignoredCount).toBeGreaterThan(0);
        expect(m.successCount + m.failureCount + m.ignoredCount).toBeGreaterThan(total / 10);
        expect(m.stateChanges).toBeGreaterThan(2);

        // Afterwards the breaker still admits its trial calls: trip it, wait it out, both trials go through.
        h.upstream.mode = { status: 500 };
        for (let i = 0; i < 10 && b.state !== 'open'; i++) await settle(http.send(url('/?status=500')));
        expect(b.state).toBe('open');
        h.clock.advance(500);
        h.upstream.mode = { status: 200, delayMs: 20 };
        const trial = () => http.send(url('/trial'));
        const trials = await Promise.allSettled([trial(), trial(), trial()]);
        expect(trials.map((t) => t.status)).toEqual(['fulfilled', 'fulfilled', 'rejected']);
        // Counted by path: on a loaded machine a storm request its caller aborted can still arrive now.
        expect(h.upstream.requestsAt('/trial')).toBe(2);
        expect(b.state).toBe('closed');
        expect(b.getMetrics().inFlight).toBe(0);
      });
    });
  });
}
