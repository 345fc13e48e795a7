import { createRequire } from 'node:module';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import { deferred } from '@tripswitch/testkit';
import type { FastifyInstance } from 'fastify';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tripswitch } from './tripswitch.js';

const require = createRequire(import.meta.url);
type FastifyFactory = typeof import('fastify').default;
type Match = (span: ReadableSpan) => boolean;

/** Resolves when a span with the given name has ended in the given trace: no polling, no sleeping. */
class SpanWaiter implements SpanProcessor {
  private readonly waiters: Array<{ match: Match; resolve: (span: ReadableSpan) => void }> = [];
  private readonly ended: ReadableSpan[] = [];
  forSpan(name: string, traceId: string): Promise<ReadableSpan> {
    const match: Match = (s) => s.name === name && s.spanContext().traceId === traceId;
    const found = this.ended.find(match);
    if (found !== undefined) return Promise.resolve(found);
    const d = deferred<ReadableSpan>();
    this.waiters.push({ match, resolve: d.resolve });
    return d.promise;
  }
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.ended.push(span);
    for (const w of this.waiters) if (w.match(span)) w.resolve(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

// One set for the file: http is patched when first required, and re-patched when enabled again; a new
// instrumentation would never see the already-loaded module.
const instrumentations: Instrumentation[] = [
  new HttpInstrumentation({ enabled: false }),
  new FastifyOtelInstrumentation({ enabled: false, registerOnInitialization: true }),
];

const traceparent = (traceId: string) => ({ traceparent: `00-${traceId}-${'1'.repeat(16)}-01` });

describe.each(['fastify4', 'fastify5'])(
  'telemetry with the OpenTelemetry SDK and @fastify/otel on %s',
  (pkg) => {
    let exporter: InMemorySpanExporter;
    let waiter: SpanWaiter;
    let provider: NodeTracerProvider;
    let app: FastifyInstance | undefined;

    beforeEach(() => {
      exporter = new InMemorySpanExporter();
      waiter = new SpanWaiter();
      provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), waiter] });
      provider.register({ contextManager: new AsyncLocalStorageContextManager() });
      registerInstrumentations({ instrumentations, tracerProvider: provider });
    });

    afterEach(async () => {
      await app?.close();
      app = undefined;
      for (const i of instrumentations) i.disable();
      await provider.shutdown();
      trace.disable();
      context.disable();
      propagation.disable();
    });

    /** The span ids above `span`, nearest first; all in its trace. */
    function ancestorsOf(span: ReadableSpan): string[] {
      const byId = new Map(exporter.getFinishedSpans().map((s) => [s.spanContext().spanId, s]));
      const ids: string[] = [];
      for (let p = span.parentSpanContext; p !== undefined && ids.length < 10; ) {
        expect(p.traceId).toBe(span.spanContext().traceId);
        ids.push(p.spanId);
        p = byId.get(p.spanId)?.parentSpanContext;
      }
      return ids;
    }

    async function serve(routes: (app: FastifyInstance) => void, registry: BreakerRegistry, extra = {}) {
      // Required after registerInstrumentations, which patches http as it loads.
      const Fastify = require(pkg) as FastifyFactory;
      app = Fastify({ forceCloseConnections: true });
      await app.register(tripswitch, { registry, ...extra });
      routes(app);
      await app.listen({ port: 0, host: '127.0.0.1' });
      return `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
    }

    it('puts the reject span inside the request’s server span, with http.route and a link to the transition', async () => {
      const registry = new BreakerRegistry();
      const clock = createTestClock();
      const url = await serve(
        (a) => {
          a.get('/users/:id', { config: { breaker: true } }, async (_r, reply) => reply.code(500).send('x'));
        },
        registry,
        { clock, failureThreshold: 1, resetTimeout: 30_000 },
      );
      const tripTrace = 'a'.repeat(32);
      const rejectTrace = 'b'.repeat(32);
      expect((await fetch(`${url}/users/1`, { headers: traceparent(tripTrace) })).status).toBe(500);
      clock.advance(1_000);
      expect((await fetch(`${url}/users/2`, { headers: traceparent(rejectTrace) })).status).toBe(503);

      const transition = await waiter.forSpan('circuit_breaker.transition GET /users/:id', tripTrace);
      const reject = await waiter.forSpan('circuit_breaker.reject GET /users/:id', rejectTrace);
      // @fastify/otel gives the http server span its route, so it is named after it.
      const serverSpan = await waiter.forSpan('GET /users/:id', rejectTrace);
      expect(serverSpan.kind).toBe(SpanKind.SERVER);
      expect(serverSpan.attributes).toMatchObject({
        'http.route': '/users/:id',
        'http.response.status_code': 503,
      });
      const requestSpan = await waiter.forSpan('request', rejectTrace);
      expect(requestSpan.attributes['http.route']).toBe('/users/:id');

      const ancestors = ancestorsOf(reject);
      expect(ancestors).toContain(serverSpan.spanContext().spanId);
      expect(ancestors).toContain(requestSpan.spanContext().spanId);
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
      expect(transition.attributes).toMatchObject({
        'tripswitch.breaker.previous_state': 'closed',
        'tripswitch.breaker.reason': 'consecutive_failures',
      });
    });

    it('runs the handler inside the circuit_breaker.call span with traceCalls', async () => {
      const url = await serve(
        (a) => {
          a.get('/work', { config: { breaker: true } }, async () => {
            await Promise.resolve();
            trace.getTracer('test').startActiveSpan('handler work', (span) => span.end());
            return 'ok';
          });
        },
        new BreakerRegistry(),
        { traceCalls: true },
      );
      const traceId = 'c'.repeat(32);
      expect((await fetch(`${url}/work`, { headers: traceparent(traceId) })).status).toBe(200);
      const call = await waiter.forSpan('circuit_breaker.call GET /work', traceId);
      const serverSpan = await waiter.forSpan('GET /work', traceId);
      expect(ancestorsOf(call)).toContain(serverSpan.spanContext().spanId);
      expect(call.attributes).toMatchObject({
        'http.route': '/work',
        'tripswitch.breaker.outcome': 'success',
      });
      // @fastify/otel runs the handler in its own request context, so the handler's spans sit beside the
      // call span, not under it.
      const work = await waiter.forSpan('handler work', traceId);
      expect(ancestorsOf(work)).toContain(serverSpan.spanContext().spanId);
    });
  },
);
