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
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base';
import type { BreakerRegistry, BreakerRegistryOptions, TestClock } from '@tripswitch/core';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { MemorySpanExporter, SdkLine, TestTracerProvider } from './sdk-line.js';

/** A client with a client adapter installed, as the contract drives it. */
export interface TelemetryClient {
  /** Sends a request to an absolute URL; settles once the answer (or error) is in, the body read. */
  send(url: string, request?: { readonly method?: string }): Promise<unknown>;
}

/** What the contract needs of a client adapter, loaded once its client's instrumentation is enabled. */
export interface ClientUnderTest {
  /** Installs the adapter with these options (core and client options). */
  client(options: Record<string, unknown>): TelemetryClient;
  /** True for what the client rejects with when the breaker rejected the request. */
  readonly isCircuitOpenError: (error: unknown) => boolean;
}

/** The client adapter the contract runs against. */
export interface ClientTelemetryDeps {
  /** Shows in the describe block's name. */
  readonly label: string;
  /** The client's OpenTelemetry instrumentation: `http` (Axios) or `undici` (fetch, undici). */
  instrumentation(line: SdkLine): Instrumentation;
  /** Loads the adapter and its client (after the instrumentation is enabled). */
  load(): Promise<ClientUnderTest>;
  startUpstream(): Promise<TelemetryUpstream>;
  /** The `error.type` of a failure on a connection the upstream reset. */
  readonly resetErrorType: string;
}

/** A local upstream the contract can steer: `/?status=N`, `/?do=reset`, or `mode` for plain paths. */
export interface TelemetryUpstream {
  readonly origin: string;
  readonly port: number;
  get mode(): unknown;
  set mode(value: { readonly status: number; readonly headers?: Readonly<Record<string, string>> });
  close(): Promise<void>;
}

/**
 * The telemetry contract of the HTTP client adapters under their client's real instrumentation: reject
 * spans under the caller's span with the server, scheme and method attributes, nothing sent when
 * rejected, the HTTP client span under `circuit_breaker.call` with `traceCalls`, and Retry-After opens in
 * spans and metrics.
 */
export function describeClientTelemetry(
  line: SdkLine,
  core: {
    BreakerRegistry: new (options?: BreakerRegistryOptions) => BreakerRegistry;
    createTestClock: () => TestClock;
  },
  deps: ClientTelemetryDeps,
): void {
  describe(`${deps.label} telemetry contract on ${line.label}`, () => {
    let exporter: MemorySpanExporter;
    let tracerProvider: TestTracerProvider;
    let instrumentation: Instrumentation;
    let sut: ClientUnderTest;
    let upstream: TelemetryUpstream;
    let registry: BreakerRegistry;

    beforeAll(async () => {
      exporter = line.inMemoryExporter();
      tracerProvider = line.tracerProvider([line.simpleProcessor(exporter)]);
      context.setGlobalContextManager(line.contextManager().enable());
      // The HTTP instrumentation patches `http` when it is required, so it is enabled (and `http` required
      // through it) before the client and the adapter are loaded.
      instrumentation = deps.instrumentation(line);
      instrumentation.setTracerProvider(tracerProvider);
      instrumentation.enable();
      createRequire(import.meta.url)('node:http');
      sut = await deps.load();
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
      upstream = await deps.startUpstream();
      registry = new core.BreakerRegistry({ telemetry: { tracerProvider } });
      exporter.reset();
    });

    afterEach(async () => {
      await upstream.close();
    });

    /** Runs `fn` inside an active `caller` span and returns that span. */
    async function inCallerSpan(fn: () => Promise<unknown>): Promise<Span> {
      return tracerProvider.getTracer('test').startActiveSpan('caller', async (span) => {
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
    it('emits the reject span as a child of the caller span, with server and method attributes', async () => {
      const http = sut.client({
        registry,
        clock: core.createTestClock(),
        failureThreshold: 1,
        resetTimeout: 30_000,
      });
      upstream.mode = { status: 500 };
      await http.send(`${upstream.origin}/charges`, { method: 'POST' }).catch(() => undefined);
      const transition = spansNamed('circuit_breaker.transition');
      expect(transition).toHaveLength(1);

      let rejection: unknown;
      const caller = await inCallerSpan(async () => {
        rejection = await http
          .send(`${upstream.origin}/charges`, { method: 'POST' })
          .catch((e: unknown) => e);
      });

      expect(sut.isCircuitOpenError(rejection)).toBe(true);
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
        'url.scheme': 'http',
        'tripswitch.breaker.name': upstream.origin,
        'tripswitch.breaker.state': 'open',
        'tripswitch.breaker.outcome': 'rejected',
        'error.type': 'circuit_open',
        'tripswitch.breaker.retry_after_ms': 30_000,
      });
      expect(reject.status).toEqual({ code: SpanStatusCode.ERROR, message: 'circuit open' });
      expect(reject.links.map((l) => l.context.spanId)).toEqual([transition[0]!.spanContext().spanId]);
      // Nothing was sent: no HTTP client span inside the caller's trace.
      expect(clientSpans().filter((s) => s.spanContext().traceId === caller.spanContext().traceId)).toEqual(
        [],
      );
    });

    it('with traceCalls, makes the HTTP client span a child of the breaker call span', async () => {
      const http = sut.client({ registry, traceCalls: true });

      const caller = await inCallerSpan(() => http.send(`${upstream.origin}/users/1`));

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
      expect(client.attributes['http.response.status_code'] ?? client.attributes['http.status_code']).toBe(
        200,
      );
    });

    it('marks the call span failed with the HTTP status or the network error code as error.type', async () => {
      const http = sut.client({ registry, traceCalls: true, failureThreshold: 10 });

      await inCallerSpan(() => http.send(`${upstream.origin}/?status=503`));
      await inCallerSpan(() => http.send(`${upstream.origin}/?do=reset`));
      await inCallerSpan(() => http.send(`${upstream.origin}/?status=404`));

      const calls = spansNamed('circuit_breaker.call');
      expect(
        calls.map((s) => [s.attributes['tripswitch.breaker.outcome'], s.attributes['error.type']]),
      ).toEqual([
        ['failure', '503'],
        ['failure', deps.resetErrorType],
        ['success', undefined],
      ]);
      expect(calls.map((s) => s.status.code)).toEqual([
        SpanStatusCode.ERROR,
        SpanStatusCode.ERROR,
        SpanStatusCode.UNSET,
      ]);
      // Each HTTP client span sits under its own call span.
      for (const call of calls) {
        const children = clientSpans().filter(
          (s) => s.parentSpanContext?.spanId === call.spanContext().spanId,
        );
        expect(children).toHaveLength(1);
      }
    });

    it('without traceCalls, adds no call span: the HTTP client span is the caller span child', async () => {
      const http = sut.client({ registry });
      const caller = await inCallerSpan(() => http.send(`${upstream.origin}/x`));
      expect(spansNamed('circuit_breaker.call')).toEqual([]);
      const clients = clientSpans();
      expect(clients).toHaveLength(1);
      expect(clients[0]!.parentSpanContext?.spanId).toBe(caller.spanContext().spanId);
    });

    it('reports a Retry-After open as a transition with reason retry_after, and counts calls by status', async () => {
      const reader = line.reader();
      const meterProvider = line.meterProvider([reader]);
      const http = sut.client({
        registry: new core.BreakerRegistry({ telemetry: { tracerProvider, meterProvider } }),
        clock: core.createTestClock(),
      });
      upstream.mode = { status: 429, headers: { 'retry-after': '5' } };
      const caller = await inCallerSpan(() => http.send(`${upstream.origin}/x`));
      await http.send(`${upstream.origin}/x`).catch(() => undefined);

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
            p.attributes['tripswitch.breaker.outcome'] === outcome &&
            p.attributes['error.type'] === errorType,
        )?.value;
      expect(value('failure', '429')).toBe(1);
      expect(value('rejected', 'circuit_open')).toBe(1);
      await meterProvider.shutdown();
    });
  });
}
