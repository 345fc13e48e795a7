import type { RequestListener } from 'node:http';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { BreakerRegistry, CircuitBreakerOptions, TestClock } from '@tripswitch/core';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { listen, type TestServer } from '../listen.js';
import type { MemorySpanExporter, SdkLine, TestTracerProvider } from './sdk-line.js';
import { ancestorsOf, SpanWaiter, traceparent } from './span-waiter.js';

/** The options every server adapter's `breaker()` takes that the contract sets. */
export type ServerBreakerOptions = Pick<
  CircuitBreakerOptions,
  'failureThreshold' | 'resetTimeout' | 'traceCalls'
> & { registry: BreakerRegistry; clock?: TestClock };

/** How the contract builds an app with one adapter; loaded only after the instrumentations are enabled. */
export interface ServerTelemetryDriver {
  /** The framework, which picks its OpenTelemetry instrumentation. */
  readonly framework: 'express' | 'koa' | 'fastify';
  /**
   * Whether the handler's own spans sit under `circuit_breaker.call` with `traceCalls`. `@fastify/otel`
   * runs the handler in its own request context, so there they sit beside it, under the server span.
   * @defaultValue true
   */
  readonly handlerInCallSpan?: boolean;
  /**
   * An app with one `GET path` route guarded by the adapter's `breaker(options)`, whose handler answers
   * with the status `handler()` resolves to. The framework must be required inside this call.
   */
  app(
    path: string,
    options: ServerBreakerOptions,
    handler: () => Promise<number>,
  ): RequestListener | Promise<RequestListener>;
}

/** What the contract needs of `@tripswitch/core`. */
export interface ServerCoreUnderTest {
  readonly BreakerRegistry: new () => BreakerRegistry;
  readonly createTestClock: () => TestClock;
}

// One instance per file of each instrumentation, however many contracts the file runs: a module is patched
// when first required, and re-patched when its instrumentation is enabled again; a new instrumentation would
// never see the already-loaded module.
const made = new WeakMap<SdkLine['instrumentations'], Map<string, Instrumentation>>();
function instrumentationsOf(
  line: SdkLine,
  framework: ServerTelemetryDriver['framework'] | undefined,
): Instrumentation[] {
  const cache = made.get(line.instrumentations) ?? new Map<string, Instrumentation>();
  made.set(line.instrumentations, cache);
  const one = (name: 'http' | ServerTelemetryDriver['framework']): Instrumentation => {
    let instrumentation = cache.get(name);
    if (instrumentation === undefined) {
      const make = line.instrumentations[name];
      if (make === undefined) throw new Error(`${line.label} has no ${name} instrumentation`);
      instrumentation = make();
      cache.set(name, instrumentation);
    }
    return instrumentation;
  };
  return framework === undefined ? [one('http')] : [one('http'), one(framework)];
}

/**
 * The telemetry contract of a server adapter under the real HTTP and framework instrumentations: the
 * reject span sits in the rejected request's trace under its server span, with HTTP attributes and a link
 * to the opening transition, and with `traceCalls` the handler runs inside `circuit_breaker.call`.
 *
 * A line without the framework's instrumentation (no `@fastify/otel` for the SDK 3.x line yet) runs the
 * same checks under the HTTP instrumentation alone: the server span is then named by method only and
 * carries no `http.route`, which only the framework's instrumentation reports; every tripswitch span and
 * attribute is checked as before.
 */
export function describeServerTelemetry(
  line: SdkLine,
  core: ServerCoreUnderTest,
  driver: ServerTelemetryDriver,
) {
  const routed = line.instrumentations[driver.framework] !== undefined;
  const scope = routed ? '' : ' (HTTP instrumentation only)';
  describe(`${driver.framework} telemetry contract on ${line.label}${scope}`, () => {
    let exporter: MemorySpanExporter;
    let waiter: SpanWaiter;
    let provider: TestTracerProvider;
    const instrumentations = instrumentationsOf(line, routed ? driver.framework : undefined);
    const serverSpanName = (route: string) => (routed ? `GET ${route}` : 'GET');
    let server: TestServer | undefined;

    beforeEach(() => {
      exporter = line.inMemoryExporter();
      waiter = new SpanWaiter();
      provider = line.tracerProvider([line.simpleProcessor(exporter), waiter]);
      trace.setGlobalTracerProvider(provider);
      context.setGlobalContextManager(line.contextManager().enable());
      propagation.setGlobalPropagator(line.propagator());
      line.registerInstrumentations(instrumentations, provider);
    });

    afterEach(async () => {
      await server?.close();
      server = undefined;
      for (const i of instrumentations) i.disable();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    });

    it('puts the reject span in the request trace, with HTTP attributes and a link to the transition', async () => {
      const registry = new core.BreakerRegistry();
      const clock = core.createTestClock();
      const options = { registry, clock, failureThreshold: 1, resetTimeout: 30_000 };
      server = await listen(await driver.app('/users/:id', options, async () => 500));

      const tripTrace = 'a'.repeat(32);
      const rejectTrace = 'b'.repeat(32);
      const get = (path: string, traceId: string) =>
        fetch(`${server?.url}${path}`, { headers: { traceparent: traceparent(traceId) } });
      expect((await get('/users/1', tripTrace)).status).toBe(500);
      clock.advance(1_000);
      expect((await get('/users/2', rejectTrace)).status).toBe(503);

      const transition = await waiter.forSpan('circuit_breaker.transition GET /users/:id', tripTrace);
      const reject = await waiter.forSpan('circuit_breaker.reject GET /users/:id', rejectTrace);
      // The server span is named by route once the framework reports it.
      const serverSpan = await waiter.forSpan(serverSpanName('/users/:id'), rejectTrace);
      expect(serverSpan.kind).toBe(SpanKind.SERVER);
      expect(serverSpan.attributes).toMatchObject({
        ...(routed ? { 'http.route': '/users/:id' } : {}),
        'http.response.status_code': 503,
      });

      // The reject span's parent chain leads to the server span of the rejected request.
      expect(ancestorsOf(reject, exporter.getFinishedSpans())).toContain(serverSpan.spanContext().spanId);

      expect(reject.kind).toBe(SpanKind.INTERNAL);
      expect(reject.attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.route': '/users/:id',
        'tripswitch.breaker.name': 'GET /users/:id',
        'tripswitch.breaker.state': 'open',
        'tripswitch.breaker.outcome': 'rejected',
        'error.type': 'circuit_open',
        'tripswitch.breaker.retry_after_ms': 29_000,
      });
      expect(reject.status).toEqual({ code: SpanStatusCode.ERROR, message: 'circuit open' });
      expect(reject.links.map((l) => l.context.spanId)).toEqual([transition.spanContext().spanId]);

      // The transition happened in the failing request's trace.
      expect(transition.attributes).toMatchObject({
        'tripswitch.breaker.state': 'open',
        'tripswitch.breaker.previous_state': 'closed',
        'tripswitch.breaker.reason': 'consecutive_failures',
      });
      expect(transition.parentSpanContext?.traceId).toBe(tripTrace);
    });

    it('runs the handler inside the circuit_breaker.call span with traceCalls', async () => {
      const registry = new core.BreakerRegistry();
      server = await listen(
        await driver.app('/work', { registry, traceCalls: true }, async () => {
          await Promise.resolve();
          trace.getTracer('test').startActiveSpan('handler work', (span) => span.end());
          return 200;
        }),
      );
      const traceId = 'c'.repeat(32);
      const response = await fetch(`${server.url}/work`, { headers: { traceparent: traceparent(traceId) } });
      expect(response.status).toBe(200);
      const work = await waiter.forSpan('handler work', traceId);
      const call = await waiter.forSpan('circuit_breaker.call GET /work', traceId);
      const serverSpan = await waiter.forSpan(serverSpanName('/work'), traceId);
      const spans = exporter.getFinishedSpans();
      expect(ancestorsOf(call, spans)).toContain(serverSpan.spanContext().spanId);
      const parent = driver.handlerInCallSpan === false ? serverSpan : call;
      expect(ancestorsOf(work, spans)).toContain(parent.spanContext().spanId);
      expect(call.attributes).toMatchObject({
        'http.request.method': 'GET',
        'http.route': '/work',
        'tripswitch.breaker.outcome': 'success',
      });
    });
  });
}
