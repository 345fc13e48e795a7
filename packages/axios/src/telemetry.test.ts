import { createRequire } from 'node:module';
import {
  context,
  metrics,
  propagation,
  type Span,
  SpanKind,
  SpanStatusCode,
  trace,
} from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { type DataPoint, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startUpstream, type Upstream } from './test-support.js';

// The HTTP instrumentation patches `http` when it is required, so it is enabled (and `http` required
// through it) before Axios and the adapter are loaded below.
const exporter = new InMemorySpanExporter();
const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
const instrumentation = new HttpInstrumentation();
instrumentation.setTracerProvider(tracerProvider);
instrumentation.enable();
createRequire(import.meta.url)('node:http');
const { default: axios } = await import('axios');
const { withBreaker, isCircuitOpenError } = await import('./index.js');

class TestReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

let upstream: Upstream;
let registry: BreakerRegistry;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
});

afterAll(async () => {
  instrumentation.disable();
  context.disable();
  trace.disable();
  metrics.disable();
  propagation.disable();
  await tracerProvider.shutdown();
});

beforeEach(async () => {
  upstream = await startUpstream();
  registry = new BreakerRegistry({ telemetry: { tracerProvider } });
  exporter.reset();
});

afterEach(async () => {
  await upstream.close();
});

const tracer = tracerProvider.getTracer('test');

/** Runs `fn` inside an active `caller` span and returns that span. */
async function inCallerSpan(fn: () => Promise<unknown>): Promise<Span> {
  return tracer.startActiveSpan('caller', async (span) => {
    try {
      await fn().catch(() => undefined);
    } finally {
      span.end();
    }
    return span;
  });
}

function spansNamed(prefix: string): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.name.startsWith(prefix));
}

function clientSpans(): ReadableSpan[] {
  return exporter.getFinishedSpans().filter((s) => s.kind === SpanKind.CLIENT);
}

describe('telemetry with the real SDK', () => {
  it('emits the reject span as a child of the caller span, with server and method attributes', async () => {
    const http = axios.create({ baseURL: upstream.origin });
    withBreaker(http, { registry, clock: createTestClock(), failureThreshold: 1, resetTimeout: 30_000 });
    upstream.mode = { status: 500 };
    await http.post('/charges', {}).catch(() => undefined);
    const transition = spansNamed('circuit_breaker.transition');
    expect(transition).toHaveLength(1);

    let rejection: unknown;
    const caller = await inCallerSpan(async () => {
      rejection = await http.post('/charges', { amount: 1 }).catch((e: unknown) => e);
    });

    expect(isCircuitOpenError(rejection)).toBe(true);
    const rejects = spansNamed('circuit_breaker.reject');
    expect(rejects).toHaveLength(1);
    const reject = rejects[0]!;
    expect(reject.name).toBe(`circuit_breaker.reject ${upstream.origin}`);
    expect(reject.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(reject.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(reject.kind).toBe(SpanKind.INTERNAL);
    expect(reject.attributes).toEqual({
      'server.address': '127.0.0.1',
      'server.port': upstream.port,
      'http.request.method': 'POST',
      'tripswitch.breaker.name': upstream.origin,
      'tripswitch.breaker.state': 'open',
      'tripswitch.breaker.outcome': 'rejected',
      'error.type': 'circuit_open',
      'tripswitch.breaker.retry_after_ms': 30_000,
    });
    expect(reject.status).toEqual({ code: SpanStatusCode.ERROR, message: 'circuit open' });
    expect(reject.links.map((l) => l.context.spanId)).toEqual([transition[0]!.spanContext().spanId]);
    // Nothing was sent: no HTTP client span inside the caller's trace.
    expect(clientSpans().filter((s) => s.spanContext().traceId === caller.spanContext().traceId)).toEqual([]);
  });

  it('with traceCalls, makes the HTTP client span a child of the breaker call span', async () => {
    const http = axios.create({ baseURL: upstream.origin });
    withBreaker(http, { registry, traceCalls: true });

    const caller = await inCallerSpan(() => http.get('/users/1'));

    const calls = spansNamed('circuit_breaker.call');
    expect(calls).toHaveLength(1);
    const call = calls[0]!;
    expect(call.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    expect(call.attributes).toMatchObject({
      'server.address': '127.0.0.1',
      'server.port': upstream.port,
      'http.request.method': 'GET',
      'tripswitch.breaker.name': upstream.origin,
      'tripswitch.breaker.outcome': 'success',
    });
    expect(call.status.code).toBe(SpanStatusCode.UNSET);

    const clients = clientSpans();
    expect(clients).toHaveLength(1);
    const client = clients[0]!;
    expect(client.parentSpanContext?.spanId).toBe(call.spanContext().spanId);
    expect(client.spanContext().traceId).toBe(caller.spanContext().traceId);
    expect(client.attributes['http.response.status_code'] ?? client.attributes['http.status_code']).toBe(200);
  });

  it('marks the call span failed with the HTTP status or the network error code as error.type', async () => {
    const http = axios.create({ baseURL: upstream.origin });
    withBreaker(http, { registry, traceCalls: true, failureThreshold: 10 });

    await inCallerSpan(() => http.get('/?status=503'));
    await inCallerSpan(() => http.get('/?do=reset'));
    await inCallerSpan(() => http.get('/?status=404'));

    const calls = spansNamed('circuit_breaker.call');
    expect(
      calls.map((s) => [s.attributes['tripswitch.breaker.outcome'], s.attributes['error.type']]),
    ).toEqual([
      ['failure', '503'],
      ['failure', 'ECONNRESET'],
      ['success', undefined],
    ]);
    expect(calls.map((s) => s.status.code)).toEqual([
      SpanStatusCode.ERROR,
      SpanStatusCode.ERROR,
      SpanStatusCode.UNSET,
    ]);
    // Each HTTP client span sits under its own call span.
    for (const call of calls) {
      const children = clientSpans().filter((s) => s.parentSpanContext?.spanId === call.spanContext().spanId);
      expect(children).toHaveLength(1);
    }
  });

  it('without traceCalls, adds no call span: the HTTP client span is the caller span child', async () => {
    const http = axios.create({ baseURL: upstream.origin });
    withBreaker(http, { registry });
    const caller = await inCallerSpan(() => http.get('/x'));
    expect(spansNamed('circuit_breaker.call')).toEqual([]);
    const clients = clientSpans();
    expect(clients).toHaveLength(1);
    expect(clients[0]!.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
  });

  it('reports a Retry-After open as a transition with reason retry_after, and counts calls by status', async () => {
    const reader = new TestReader();
    const meterProvider = new MeterProvider({ readers: [reader] });
    const http = axios.create({ baseURL: upstream.origin });
    withBreaker(http, {
      registry: new BreakerRegistry({ telemetry: { tracerProvider, meterProvider } }),
      clock: createTestClock(),
    });
    upstream.mode = { status: 429, headers: { 'retry-after': '5' } };
    const caller = await inCallerSpan(() => http.get('/x'));
    await http.get('/x').catch(() => undefined);

    const transitions = spansNamed('circuit_breaker.transition');
    expect(transitions.map((s) => s.attributes['tripswitch.breaker.reason'])).toEqual(['retry_after']);
    expect(transitions[0]!.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);

    const { resourceMetrics } = await reader.collect();
    const calls = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'tripswitch.breaker.calls');
    const points = (calls?.dataPoints ?? []) as DataPoint<number>[];
    const value = (outcome: string, errorType: string) =>
      points.find(
        (p) =>
          p.attributes['tripswitch.breaker.outcome'] === outcome && p.attributes['error.type'] === errorType,
      )?.value;
    expect(value('failure', '429')).toBe(1);
    expect(value('rejected', 'circuit_open')).toBe(1);
    await meterProvider.shutdown();
  });
});
