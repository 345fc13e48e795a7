import {
  type Attributes,
  context,
  diag,
  metrics,
  ROOT_CONTEXT,
  type Span,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import type { DataPoint, Histogram, MetricData } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';
import type * as Core from '@tripswitch/core';
import type { CircuitBreakerOptions, TestClock } from '@tripswitch/core';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type {
  MemorySpanExporter,
  SdkLine,
  TestMeterProvider,
  TestMetricReader,
  TestTracerProvider,
} from './sdk-line.js';

/** What the core contract needs of `@tripswitch/core`: its source in core's own tests, its build elsewhere. */
export interface CoreUnderTest {
  readonly CircuitBreaker: typeof Core.CircuitBreaker;
  readonly BreakerRegistry: typeof Core.BreakerRegistry;
  readonly createTestClock: typeof Core.createTestClock;
  /** The version the instrumentation scope must carry. */
  readonly version: string;
}

interface Sdk {
  exporter: MemorySpanExporter;
  tracerProvider: TestTracerProvider;
  meterProvider: TestMeterProvider;
  reader: TestMetricReader;
}

function createSdk(line: SdkLine, exporter: SpanExporter = line.inMemoryExporter()): Sdk {
  const reader = line.reader();
  return {
    exporter: exporter as MemorySpanExporter,
    tracerProvider: line.tracerProvider([line.simpleProcessor(exporter)]),
    meterProvider: line.meterProvider([reader]),
    reader,
  };
}

/** Collects `reader` and returns its metrics by name, checking the instrumentation scope on the way. */
export async function collect(reader: TestMetricReader, version: string): Promise<Map<string, MetricData>> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const out = new Map<string, MetricData>();
  for (const scope of resourceMetrics.scopeMetrics) {
    expect(scope.scope.name).toBe('@tripswitch/core');
    expect(scope.scope.version).toBe(version);
    for (const metric of scope.metrics) out.set(metric.descriptor.name, metric);
  }
  return out;
}

/** The data point of `metric` with exactly the attributes `attrs`. */
export function point(metric: MetricData | undefined, attrs: Attributes): DataPoint<unknown> | undefined {
  return (metric?.dataPoints as DataPoint<unknown>[] | undefined)?.find(
    (p) =>
      Object.entries(attrs).every(([k, v]) => p.attributes[k] === v) &&
      Object.keys(p.attributes).length === Object.keys(attrs).length,
  );
}

/**
 * The telemetry contract of `@tripswitch/core` (spans, parents, links, every metric with its unit and
 * attributes, providers, safety), run on the SDK line given: core's own tests run it on SDK 2.x, the
 * `test/sdk3` workspace on SDK 3.x, so both lines are held to the same assertions.
 */
export function describeCoreTelemetry(line: SdkLine, core: CoreUnderTest): void {
  const boom = () => Promise.reject(new TypeError('boom'));

  /** Runs `fn` inside a fresh "request" span and returns that span with fn's settled result. */
  async function inRequest<T>(
    sdk: Sdk,
    fn: () => Promise<T>,
  ): Promise<{ span: Span; result: PromiseSettledResult<T> }> {
    const span = sdk.tracerProvider.getTracer('test').startSpan('request');
    const result = await context.with(trace.setSpan(ROOT_CONTEXT, span), () =>
      fn().then(
        (value): PromiseSettledResult<T> => ({ status: 'fulfilled', value }),
        (reason): PromiseSettledResult<T> => ({ status: 'rejected', reason }),
      ),
    );
    span.end();
    return { span, result };
  }

  function spansNamed(sdk: Sdk, prefix: string): ReadableSpan[] {
    return sdk.exporter.getFinishedSpans().filter((s) => s.name.startsWith(prefix));
  }

  describe(`telemetry contract on ${line.label}`, () => {
    let sdk: Sdk;
    let clock: TestClock;
    const { CircuitBreaker, BreakerRegistry, createTestClock } = core;
    const make = (options: CircuitBreakerOptions<unknown> = {}) =>
      new CircuitBreaker({
        name: 'payments',
        failureThreshold: 2,
        resetTimeout: 1000,
        clock,
        telemetry: { tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider },
        ...options,
      });

    beforeEach(() => {
      context.setGlobalContextManager(line.contextManager().enable());
      sdk = createSdk(line);
      clock = createTestClock();
    });

    afterEach(async () => {
      context.disable();
      trace.disable();
      metrics.disable();
      diag.disable();
      vi.restoreAllMocks();
      await sdk.meterProvider.shutdown();
    });

    it('emits a transition span for an open, parented to the tripping call and linked to the failing calls', async () => {
      const breaker = make();
      const first = await inRequest(sdk, () => breaker.execute(boom));
      const second = await inRequest(sdk, () => breaker.execute(boom));
      expect(breaker.state).toBe('open');

      const [open] = spansNamed(sdk, 'circuit_breaker.transition');
      expect(open?.name).toBe('circuit_breaker.transition payments');
      expect(open?.kind).toBe(0); // SpanKind.INTERNAL
      expect(open?.status.code).toBe(SpanStatusCode.UNSET);
      expect(open?.parentSpanContext?.spanId).toBe(second.span.spanContext().spanId);
      expect(open?.spanContext().traceId).toBe(second.span.spanContext().traceId);
      expect(open?.attributes).toMatchObject({
        'tripswitch.breaker.name': 'payments',
        'tripswitch.breaker.state': 'open',
        'tripswitch.breaker.previous_state': 'closed',
        'tripswitch.breaker.reason': 'consecutive_failures',
        'tripswitch.breaker.consecutive_failures': 2,
        'tripswitch.breaker.threshold': 2,
      });
      expect(open?.links.map((l) => l.context.spanId)).toEqual([
        first.span.spanContext().spanId,
        second.span.spanContext().spanId,
      ]);
    });

    it('links an open to at most the last 5 failing calls', async () => {
      const breaker = make({ failureThreshold: 7 });
      const requests = [];
      for (let i = 0; i < 7; i++) requests.push(await inRequest(sdk, () => breaker.execute(boom)));
      const [open] = spansNamed(sdk, 'circuit_breaker.transition');
      expect(open?.links.map((l) => l.context.spanId)).toEqual(
        requests.slice(2).map((r) => r.span.spanContext().spanId),
      );
    });

    it('emits a reject span inside the caller trace, linked to the opening transition', async () => {
      const breaker = make();
      await inRequest(sdk, () => breaker.execute(boom));
      await inRequest(sdk, () => breaker.execute(boom));
      clock.advance(400);
      const rejected = await inRequest(sdk, async () => {
        breaker.acquire({ attributes: { 'http.request.method': 'GET', 'http.route': '/users/:id' } });
      });
      expect(rejected.result.status).toBe('rejected');

      const [open] = spansNamed(sdk, 'circuit_breaker.transition');
      const [reject] = spansNamed(sdk, 'circuit_breaker.reject');
      expect(reject?.name).toBe('circuit_breaker.reject payments');
      expect(reject?.parentSpanContext?.spanId).toBe(rejected.span.spanContext().spanId);
      expect(reject?.spanContext().traceId).toBe(rejected.span.spanContext().traceId);
      expect(reject?.status).toEqual({ code: SpanStatusCode.ERROR, message: 'circuit open' });
      expect(reject?.attributes).toEqual({
        'tripswitch.breaker.name': 'payments',
        'tripswitch.breaker.state': 'open',
        'tripswitch.breaker.outcome': 'rejected',
        'error.type': 'circuit_open',
        'tripswitch.breaker.retry_after_ms': 600,
        'http.request.method': 'GET',
        'http.route': '/users/:id',
      });
      expect(reject?.links.map((l) => l.context.spanId)).toEqual([open?.spanContext().spanId]);
    });

    it('reports half_open_full rejections with their own error.type and description', async () => {
      const breaker = make();
      await breaker.execute(boom).catch(() => {});
      await breaker.execute(boom).catch(() => {});
      clock.advance(1000);
      const trial = breaker.tryAcquire();
      expect(trial?.trial).toBe(true);
      expect(breaker.tryAcquire()).toBeUndefined();
      const reject = spansNamed(sdk, 'circuit_breaker.reject').at(-1);
      expect(reject?.status).toEqual({
        code: SpanStatusCode.ERROR,
        message: 'half-open trial limit reached',
      });
      expect(reject?.attributes['error.type']).toBe('half_open_full');
      expect(reject?.attributes['tripswitch.breaker.state']).toBe('half_open');
      trial?.success();
    });

    it('follows a full trip → reject → trial → close cycle in spans and metrics', async () => {
      const breaker = make();
      await breaker.execute(async () => 'ok');
      await breaker.execute(boom).catch(() => {});
      await breaker.execute(boom).catch(() => {});
      await breaker.execute(async () => 'never').catch(() => {});
      clock.advance(1000);
      const trialRequest = await inRequest(sdk, () => breaker.execute(async () => 'trial'));
      expect(breaker.state).toBe('closed');

      const transitions = spansNamed(sdk, 'circuit_breaker.transition');
      expect(
        transitions.map((s) => [
          s.attributes['tripswitch.breaker.previous_state'],
          s.attributes['tripswitch.breaker.state'],
          s.attributes['tripswitch.breaker.reason'],
        ]),
      ).toEqual([
        ['closed', 'open', 'consecutive_failures'],
        ['open', 'half_open', 'reset_timeout'],
        ['half_open', 'closed', 'trial_succeeded'],
      ]);
      // The trial that closed the circuit is the parent of the closing transition.
      expect(transitions[2]?.parentSpanContext?.spanId).toBe(trialRequest.span.spanContext().spanId);
      expect(transitions[2]?.links).toEqual([]);

      const m = await collect(sdk.reader, core.version);
      const calls = m.get('tripswitch.breaker.calls');
      expect(calls?.descriptor.unit).toBe('{call}');
      const base = { 'tripswitch.breaker.name': 'payments' };
      // [outcome, state, error.type, calls]
      for (const [outcome, state, errorType, value] of [
        ['success', 'closed', undefined, 1],
        ['success', 'half_open', undefined, 1],
        ['failure', 'closed', 'TypeError', 2],
        ['rejected', 'open', 'circuit_open', 1],
      ] as const) {
        const attrs = {
          ...base,
          'tripswitch.breaker.outcome': outcome,
          'tripswitch.breaker.state': state,
          ...(errorType !== undefined && { 'error.type': errorType }),
        };
        expect(point(calls, attrs)?.value, `${outcome} in ${state}`).toBe(value);
      }

      const duration = m.get('tripswitch.breaker.call.duration');
      expect(duration?.descriptor.unit).toBe('s');
      const successDuration = point(duration, { ...base, 'tripswitch.breaker.outcome': 'success' }) as
        | DataPoint<Histogram>
        | undefined;
      expect(successDuration?.value.count).toBe(2);
      expect(successDuration?.value.buckets.boundaries).toEqual([
        0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10,
      ]);
      const failureDuration = point(duration, {
        ...base,
        'tripswitch.breaker.outcome': 'failure',
        'error.type': 'TypeError',
      }) as DataPoint<Histogram> | undefined;
      expect(failureDuration?.value.count).toBe(2);

      const transitionsMetric = m.get('tripswitch.breaker.transitions');
      expect(transitionsMetric?.descriptor.unit).toBe('{transition}');
      for (const [previous, state, reason] of [
        ['closed', 'open', 'consecutive_failures'],
        ['half_open', 'closed', 'trial_succeeded'],
      ]) {
        const attrs = {
          ...base,
          'tripswitch.breaker.state': state,
          'tripswitch.breaker.previous_state': previous,
          'tripswitch.breaker.reason': reason,
        };
        expect(point(transitionsMetric, attrs)?.value, `${previous} > ${state}`).toBe(1);
      }

      const status = m.get('tripswitch.breaker.status');
      expect(status?.descriptor.unit).toBe('1');
      for (const state of ['closed', 'open', 'half_open', 'forced_open', 'disabled']) {
        expect(point(status, { ...base, 'tripswitch.breaker.state': state })?.value).toBe(
          state === 'closed' ? 1 : 0,
        );
      }
      expect(point(m.get('tripswitch.breaker.active_calls'), base)?.value).toBe(0);
    });

    it('re-opens on a failed trial, linking the failing trial', async () => {
      const breaker = make();
      await breaker.execute(boom).catch(() => {});
      await breaker.execute(boom).catch(() => {});
      clock.advance(1000);
      const trial = await inRequest(sdk, () => breaker.execute(boom));
      expect(breaker.state).toBe('open');
      const reopen = spansNamed(sdk, 'circuit_breaker.transition').at(-1);
      expect(reopen?.attributes['tripswitch.breaker.reason']).toBe('trial_failed');
      expect(reopen?.attributes['tripswitch.breaker.previous_state']).toBe('half_open');
      expect(reopen?.parentSpanContext?.spanId).toBe(trial.span.spanContext().spanId);
      expect(reopen?.links.map((l) => l.context.spanId)).toEqual([trial.span.spanContext().spanId]);
      // A later rejection links to the newest opening transition.
      breaker.tryAcquire();
      const reject = spansNamed(sdk, 'circuit_breaker.reject').at(-1);
      expect(reject?.links[0]?.context.spanId).toBe(reopen?.spanContext().spanId);
    });

    it('parents an openFor() transition to the call given as its cause', async () => {
      const breaker = make({ failureThreshold: 10 });
      const request = await inRequest(sdk, async () => {
        const permit = breaker.acquire();
        permit.failure(503);
        return permit;
      });
      const permit = (request.result as PromiseFulfilledResult<ReturnType<typeof breaker.acquire>>).value;
      await context.with(ROOT_CONTEXT, async () =>
        breaker.openFor(5000, { reason: 'retry_after', cause: permit }),
      );
      const [open] = spansNamed(sdk, 'circuit_breaker.transition');
      expect(open?.attributes['tripswitch.breaker.reason']).toBe('retry_after');
      expect(open?.parentSpanContext?.spanId).toBe(request.span.spanContext().spanId);
      expect(open?.links.map((l) => l.context.spanId)).toEqual([request.span.spanContext().spanId]);
      expect(breaker.retryAfterMs).toBe(5000);
    });

    it('reports the failure rate of window breakers, and the rate rule numbers on the transition', async () => {
      const breaker = new CircuitBreaker({
        name: 'payments',
        clock,
        telemetry: { tracerProvider: sdk.tracerProvider, meterProvider: sdk.meterProvider },
        window: { type: 'count', size: 10 },
        minimumCalls: 4,
        failureRateThreshold: 50,
      });
      await breaker.execute(async () => 1);
      let m = await collect(sdk.reader, core.version);
      expect(
        point(m.get('tripswitch.breaker.failure_rate'), { 'tripswitch.breaker.name': 'payments' }),
      ).toBeUndefined();
      await breaker.execute(async () => 1);
      await breaker.execute(boom).catch(() => {});
      m = await collect(sdk.reader, core.version);
      expect(
        point(m.get('tripswitch.breaker.failure_rate'), { 'tripswitch.breaker.name': 'payments' }),
      ).toBeUndefined();
      await breaker.execute(async () => 1);
      m = await collect(sdk.reader, core.version);
      expect(
        point(m.get('tripswitch.breaker.failure_rate'), { 'tripswitch.breaker.name': 'payments' })?.value,
      ).toBe(0.25);
      await breaker.execute(boom).catch(() => {});
      await breaker.execute(boom).catch(() => {});
      expect(breaker.state).toBe('open');
      const [open] = spansNamed(sdk, 'circuit_breaker.transition');
      expect(open?.attributes).toMatchObject({
        'tripswitch.breaker.reason': 'failure_rate',
        'tripswitch.breaker.failure_rate': 0.5,
        'tripswitch.breaker.threshold': 0.5,
      });
    });

    it('creates the call series on first use, so a rejection counter exists before any rejection', async () => {
      const breaker = make();
      await breaker.execute(async () => 1);
      const calls = (await collect(sdk.reader, core.version)).get('tripswitch.breaker.calls');
      expect(
        point(calls, {
          'tripswitch.breaker.name': 'payments',
          'tripswitch.breaker.outcome': 'rejected',
          'tripswitch.breaker.state': 'open',
          'error.type': 'circuit_open',
        })?.value,
      ).toBe(0);
      expect(
        point(calls, {
          'tripswitch.breaker.name': 'payments',
          'tripswitch.breaker.outcome': 'failure',
          'tripswitch.breaker.state': 'closed',
        })?.value,
      ).toBe(0);
    });

    it('with traceCalls, wraps each admitted call in a span that is the parent of spans made inside it', async () => {
      const breaker = make({ traceCalls: true });
      const tracer = sdk.tracerProvider.getTracer('test');
      const ok = await inRequest(sdk, () =>
        breaker.execute(async () => {
          tracer.startSpan('inner').end();
          return 'ok';
        }),
      );
      await breaker.execute(boom).catch(() => {});
      const calls = spansNamed(sdk, 'circuit_breaker.call');
      expect(calls.map((s) => s.name)).toEqual([
        'circuit_breaker.call payments',
        'circuit_breaker.call payments',
      ]);
      expect(calls[0]?.parentSpanContext?.spanId).toBe(ok.span.spanContext().spanId);
      expect(calls[0]?.status.code).toBe(SpanStatusCode.UNSET);
      expect(calls[0]?.attributes).toMatchObject({
        'tripswitch.breaker.outcome': 'success',
        'tripswitch.breaker.state': 'closed',
      });
      const inner = spansNamed(sdk, 'inner')[0];
      expect(inner?.parentSpanContext?.spanId).toBe(calls[0]?.spanContext().spanId);
      expect(calls[1]?.status.code).toBe(SpanStatusCode.ERROR);
      expect(calls[1]?.attributes['error.type']).toBe('TypeError');
      // A call the breaker does not count as a failure keeps an unset status.
      const lenient = make({ name: 'lenient', traceCalls: true, isFailure: () => false });
      await lenient.execute(boom).catch(() => {});
      expect(spansNamed(sdk, 'circuit_breaker.call lenient')[0]?.status.code).toBe(SpanStatusCode.UNSET);
    });

    it('marks trial calls and uses timeout as error.type for timed-out calls', async () => {
      vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
      try {
        const breaker = make({ traceCalls: true, timeout: 50, failureThreshold: 1 });
        const pending = breaker.execute(() => new Promise(() => {}));
        vi.advanceTimersByTime(50);
        await expect(pending).rejects.toMatchObject({ code: 'CALL_TIMEOUT' });
        clock.advance(1000);
        await breaker.execute(async () => 1);
        const calls = spansNamed(sdk, 'circuit_breaker.call');
        expect(calls[0]?.attributes['error.type']).toBe('timeout');
        expect(calls[1]?.attributes['tripswitch.breaker.trial']).toBe(true);
      } finally {
        vi.useRealTimers();
      }
    });

    it('never lets a throwing exporter break a call or the breaker', async () => {
      const throwing: SpanExporter = {
        export: () => {
          throw new Error('exporter down');
        },
        shutdown: async () => {},
      };
      sdk = createSdk(line, throwing);
      diag.setLogger({ error() {}, warn() {}, info() {}, debug() {}, verbose() {} });
      const breaker = make({ traceCalls: true });
      await expect(breaker.execute(async () => 'ok')).resolves.toBe('ok');
      await expect(breaker.execute(boom)).rejects.toThrow('boom');
      await expect(breaker.execute(boom)).rejects.toThrow('boom');
      expect(breaker.state).toBe('open');
      expect(() => breaker.tryAcquire()).not.toThrow();
      expect(breaker.getMetrics()).toMatchObject({ successCount: 1, failureCount: 2, rejectedCount: 1 });
    });

    it('catches a throwing tracer, keeps the breaker correct, and reports it once through diag', async () => {
      const errors: unknown[][] = [];
      diag.setLogger({
        error: (...args: unknown[]) => errors.push(args),
        warn() {},
        info() {},
        debug() {},
        verbose() {},
      });
      const tracerProvider = {
        getTracer: () => ({
          startSpan: () => {
            throw new Error('tracer down');
          },
          startActiveSpan: () => {
            throw new Error('tracer down');
          },
        }),
      };
      const breaker = make({
        traceCalls: true,
        telemetry: { tracerProvider, meterProvider: sdk.meterProvider },
      });
      await expect(breaker.execute(async () => 'ok')).resolves.toBe('ok');
      await expect(breaker.execute(boom)).rejects.toThrow('boom');
      await expect(breaker.execute(boom)).rejects.toThrow('boom');
      expect(breaker.state).toBe('open');
      expect(breaker.tryAcquire()).toBeUndefined();
      expect(breaker.getMetrics()).toMatchObject({
        successCount: 1,
        failureCount: 2,
        rejectedCount: 1,
        inFlight: 0,
      });
      const ours = errors.filter((e) => String(e[0]).includes('tripswitch'));
      expect(ours).toHaveLength(1);
      // Metrics kept flowing through the healthy meter provider.
      const calls = (await collect(sdk.reader, core.version)).get('tripswitch.breaker.calls');
      expect(
        point(calls, {
          'tripswitch.breaker.name': 'payments',
          'tripswitch.breaker.outcome': 'success',
          'tripswitch.breaker.state': 'closed',
        })?.value,
      ).toBe(1);
    });

    it('never lets a throwing meter provider break a call', async () => {
      const broken = {
        getMeter: () => {
          throw new Error('no meter');
        },
      };
      diag.setLogger({ error() {}, warn() {}, info() {}, debug() {}, verbose() {} });
      const breaker = new CircuitBreaker({
        name: 'broken',
        failureThreshold: 1,
        clock,
        telemetry: { meterProvider: broken },
      });
      await expect(breaker.execute(async () => 'ok')).resolves.toBe('ok');
      await expect(breaker.execute(boom)).rejects.toThrow('boom');
      expect(breaker.state).toBe('open');
    });

    it('works with no SDK registered, and picks up an SDK registered after the breaker was made', async () => {
      const breaker = new CircuitBreaker({ name: 'late', failureThreshold: 1, clock });
      await expect(breaker.execute(async () => 1)).resolves.toBe(1);
      await breaker.execute(boom).catch(() => {});
      expect(breaker.state).toBe('open');
      expect(sdk.exporter.getFinishedSpans()).toEqual([]);

      trace.setGlobalTracerProvider(sdk.tracerProvider);
      metrics.setGlobalMeterProvider(sdk.meterProvider);
      breaker.tryAcquire();
      expect(spansNamed(sdk, 'circuit_breaker.reject late')).toHaveLength(1);
      const calls = (await collect(sdk.reader, core.version)).get('tripswitch.breaker.calls');
      expect(
        point(calls, {
          'tripswitch.breaker.name': 'late',
          'tripswitch.breaker.outcome': 'rejected',
          'tripswitch.breaker.state': 'open',
          'error.type': 'circuit_open',
        })?.value,
      ).toBe(1);
    });

    it('emits nothing when enabled is false, on a breaker or through a registry', async () => {
      trace.setGlobalTracerProvider(sdk.tracerProvider);
      metrics.setGlobalMeterProvider(sdk.meterProvider);
      const off = new CircuitBreaker({
        name: 'off',
        failureThreshold: 1,
        clock,
        telemetry: { enabled: false },
      });
      const registry = new BreakerRegistry({ telemetry: { enabled: false } });
      const offToo = registry.get('off-too', { failureThreshold: 1, clock });
      for (const b of [off, offToo]) {
        await b.execute(boom).catch(() => {});
        b.tryAcquire();
      }
      expect(sdk.exporter.getFinishedSpans()).toEqual([]);
      const m = await collect(sdk.reader, core.version);
      const names = (m.get('tripswitch.breaker.calls')?.dataPoints ?? []).map(
        (p) => p.attributes['tripswitch.breaker.name'],
      );
      expect(names).not.toContain('off');
      expect(names).not.toContain('off-too');
    });

    it('reports status for every live breaker on its provider, and drops breakers a registry removed', async () => {
      const registry = new BreakerRegistry({
        telemetry: { meterProvider: sdk.meterProvider, tracerProvider: sdk.tracerProvider },
      });
      registry.get('a', { clock });
      const b = registry.get('b', { clock });
      b.forceOpen();
      const standalone = make({ name: 'standalone' });
      standalone.disable();
      let status = (await collect(sdk.reader, core.version)).get('tripswitch.breaker.status');
      expect(
        point(status, { 'tripswitch.breaker.name': 'a', 'tripswitch.breaker.state': 'closed' })?.value,
      ).toBe(1);
      expect(
        point(status, { 'tripswitch.breaker.name': 'b', 'tripswitch.breaker.state': 'forced_open' })?.value,
      ).toBe(1);
      expect(
        point(status, { 'tripswitch.breaker.name': 'standalone', 'tripswitch.breaker.state': 'disabled' })
          ?.value,
      ).toBe(1);

      // Removed: reported as 0 in every state once (cumulative exporters keep a vanished series' last
      // value), then no longer observed at all.
      registry.remove('a');
      status = (await collect(sdk.reader, core.version)).get('tripswitch.breaker.status');
      for (const state of ['closed', 'open', 'half_open', 'forced_open', 'disabled']) {
        expect(
          point(status, { 'tripswitch.breaker.name': 'a', 'tripswitch.breaker.state': state })?.value,
        ).toBe(0);
      }
      expect(
        point(status, { 'tripswitch.breaker.name': 'b', 'tripswitch.breaker.state': 'forced_open' })?.value,
      ).toBe(1);
    });

    it('stops observing removed breakers (visible with delta temporality)', async () => {
      const reader = line.reader('delta');
      const meterProvider = line.meterProvider([reader]);
      const registry = new BreakerRegistry({
        telemetry: { meterProvider, tracerProvider: sdk.tracerProvider },
      });
      registry.get('a', { clock });
      registry.get('b', { clock });
      const names = async () =>
        new Set(
          ((await collect(reader, core.version)).get('tripswitch.breaker.status')?.dataPoints ?? []).map(
            (p) => p.attributes['tripswitch.breaker.name'],
          ),
        );
      expect(await names()).toEqual(new Set(['a', 'b']));
      registry.remove('a');
      expect(await names()).toEqual(new Set(['a', 'b'])); // the farewell zeros
      expect(await names()).toEqual(new Set(['b']));
      await meterProvider.shutdown();
    });

    it('reports half_open in status once the reset period is over, before any call arrives', async () => {
      const breaker = make({ failureThreshold: 1 });
      await breaker.execute(boom).catch(() => {});
      clock.advance(1000);
      const status = (await collect(sdk.reader, core.version)).get('tripswitch.breaker.status');
      expect(
        point(status, { 'tripswitch.breaker.name': 'payments', 'tripswitch.breaker.state': 'half_open' })
          ?.value,
      ).toBe(1);
      expect(
        point(status, { 'tripswitch.breaker.name': 'payments', 'tripswitch.breaker.state': 'open' })?.value,
      ).toBe(0);
    });

    it('uses the HTTP status as error.type when a permit fails with a number, and an error code when there is one', async () => {
      const breaker = make({ failureThreshold: 10 });
      breaker.acquire().failure(503);
      breaker.acquire().failure(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }));
      breaker.acquire().failure('a string throwable');
      const calls = (await collect(sdk.reader, core.version)).get('tripswitch.breaker.calls');
      const types = (calls?.dataPoints ?? [])
        .filter((p) => p.value === 1)
        .map((p) => p.attributes['error.type']);
      expect(types.sort()).toEqual(['503', 'ECONNREFUSED', '_OTHER']);
    });
    it('exports every metric under its documented Prometheus name, type and labels', async () => {
      const prometheus = line.prometheus();
      const meterProvider = line.meterProvider([prometheus.reader]);
      const breaker = make({
        name: 'checkout',
        telemetry: { tracerProvider: sdk.tracerProvider, meterProvider },
        window: { type: 'count', size: 10 },
        minimumCalls: 2,
        failureRateThreshold: 90,
      });
      breaker.forceOpen();
      breaker.close();
      await breaker.execute(async () => 'ok');
      await breaker.execute(boom).catch(() => {});
      const text = await prometheus.scrape();
      const typeOf = (name: string) => new RegExp(`^# TYPE ${name} (\\w+)$`, 'm').exec(text)?.[1];
      expect(typeOf('tripswitch_breaker_calls_total')).toBe('counter');
      expect(typeOf('tripswitch_breaker_call_duration')).toBe('histogram');
      expect(typeOf('tripswitch_breaker_transitions_total')).toBe('counter');
      expect(typeOf('tripswitch_breaker_status')).toBe('gauge');
      expect(typeOf('tripswitch_breaker_active_calls')).toBe('gauge');
      expect(typeOf('tripswitch_breaker_failure_rate')).toBe('gauge');
      for (const series of ['_bucket', '_sum', '_count']) {
        expect(text).toMatch(new RegExp(`^tripswitch_breaker_call_duration${series}\\{`, 'm'));
      }
      // Labels are the attribute keys with dots as underscores; the SDK may append its own (otel_scope_*).
      const sample = (name: string, labels: string, value: string) =>
        expect(text).toMatch(new RegExp(`^${name}\\{${labels}[,}].* ${value}$`, 'm'));
      const checkout = 'tripswitch_breaker_name="checkout"';
      sample(
        'tripswitch_breaker_calls_total',
        `${checkout},tripswitch_breaker_outcome="failure",tripswitch_breaker_state="closed",error_type="TypeError"`,
        '1',
      );
      sample('tripswitch_breaker_status', `${checkout},tripswitch_breaker_state="closed"`, '1');
      sample('tripswitch_breaker_active_calls', checkout, '0');
      sample('tripswitch_breaker_failure_rate', checkout, '0.5');
      sample(
        'tripswitch_breaker_call_duration_count',
        `${checkout},tripswitch_breaker_outcome="success"`,
        '1',
      );
      sample(
        'tripswitch_breaker_transitions_total',
        `${checkout},tripswitch_breaker_state="forced_open",tripswitch_breaker_previous_state="closed",tripswitch_breaker_reason="manual"`,
        '1',
      );
      await meterProvider.shutdown();
    });

    it('picks up a global SDK for a registry made before the SDK registered', async () => {
      const registry = new BreakerRegistry();
      const early = registry.get('early', { failureThreshold: 1, clock });
      await early.execute(boom).catch(() => {});
      trace.setGlobalTracerProvider(sdk.tracerProvider);
      metrics.setGlobalMeterProvider(sdk.meterProvider);
      const request = await inRequest(sdk, async () => early.acquire());
      expect(request.result.status).toBe('rejected');
      const [reject] = spansNamed(sdk, 'circuit_breaker.reject early');
      expect(reject?.parentSpanContext?.spanId).toBe(request.span.spanContext().spanId);
      const status = (await collect(sdk.reader, core.version)).get('tripswitch.breaker.status');
      expect(
        point(status, { 'tripswitch.breaker.name': 'early', 'tripswitch.breaker.state': 'open' })?.value,
      ).toBe(1);
    });
  });
}
