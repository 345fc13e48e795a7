import { createRequire } from 'node:module';
import type { Router as RouterClass } from '@koa/router';
import { context, propagation, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { type Instrumentation, registerInstrumentations } from '@opentelemetry/instrumentation';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import {
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BreakerRegistry, createTestClock } from '@tripswitch/core';
import type Koa from 'koa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { breaker } from './middleware.js';
import { deferred, listen, type TestServer } from './test-support.js';

const require = createRequire(import.meta.url);

/** Resolves when a span with the given name has ended: no polling, no sleeping. */
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

type Match = (span: ReadableSpan) => boolean;

const traceparent = (traceId: string) => `00-${traceId}-${'1'.repeat(16)}-01`;

describe('telemetry with the OpenTelemetry SDK and Koa instrumentation', () => {
  let exporter: InMemorySpanExporter;
  let waiter: SpanWaiter;
  let provider: NodeTracerProvider;
  // One set for the file: a module is patched when first required, and re-patched when its instrumentation
  // is enabled again; a new instrumentation would never see the already-loaded module.
  const instrumentations: Instrumentation[] = [
    new HttpInstrumentation({ enabled: false }),
    new KoaInstrumentation({ enabled: false }),
  ];
  let server: TestServer | undefined;

  beforeEach(() => {
    exporter = new InMemorySpanExporter();
    waiter = new SpanWaiter();
    provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter), waiter] });
    provider.register({ contextManager: new AsyncLocalStorageContextManager() });
    registerInstrumentations({ instrumentations, tracerProvider: provider });
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
    // Required after registerInstrumentations, which patches modules as they load.
    const KoaApp = require('koa') as typeof Koa;
    const Router = require('@koa/router') as typeof RouterClass;
    const registry = new BreakerRegistry();
    const clock = createTestClock();
    const router = new Router();
    router.get(
      '/users/:id',
      breaker({ registry, clock, failureThreshold: 1, resetTimeout: 30_000 }),
      (ctx) => {
        ctx.status = 500;
      },
    );
    const app = new KoaApp();
    app.use(router.routes());
    server = await listen(app.callback());

    const tripTrace = 'a'.repeat(32);
    const rejectTrace = 'b'.repeat(32);
    expect(
      (await fetch(`${server.url}/users/1`, { headers: { traceparent: traceparent(tripTrace) } })).status,
    ).toBe(500);
    clock.advance(1_000);
    expect(
      (await fetch(`${server.url}/users/2`, { headers: { traceparent: traceparent(rejectTrace) } })).status,
    ).toBe(503);

    const transition = await waiter.forSpan('circuit_breaker.transition GET /users/:id', tripTrace);
    const reject = await waiter.forSpan('circuit_breaker.reject GET /users/:id', rejectTrace);
    // The server span is named by route once Express reports it.
    const serverSpan = await waiter.forSpan('GET /users/:id', rejectTrace);
    expect(serverSpan.kind).toBe(SpanKind.SERVER);
    expect(serverSpan.attributes['http.response.status_code']).toBe(503);

    // The reject span's parent chain leads to the server span of the rejected request.
    expect(ancestorsOf(reject)).toContain(serverSpan.spanContext().spanId);

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
    const KoaApp = require('koa') as typeof Koa;
    const Router = require('@koa/router') as typeof RouterClass;
    const registry = new BreakerRegistry();
    const router = new Router();
    router.get('/work', breaker({ registry, traceCalls: true }), async (ctx) => {
      await Promise.resolve();
      trace.getTracer('test').startActiveSpan('handler work', (span) => {
        span.end();
        ctx.body = 'ok';
      });
    });
    const app = new KoaApp();
    app.use(router.routes());
    server = await listen(app.callback());
    const traceId = 'c'.repeat(32);
    expect(
      (await fetch(`${server.url}/work`, { headers: { traceparent: traceparent(traceId) } })).status,
    ).toBe(200);
    const work = await waiter.forSpan('handler work', traceId);
    const call = await waiter.forSpan('circuit_breaker.call GET /work', traceId);
    expect(ancestorsOf(work)).toContain(call.spanContext().spanId);
    expect(call.attributes).toMatchObject({
      'http.request.method': 'GET',
      'http.route': '/work',
      'tripswitch.breaker.outcome': 'success',
    });
  });
});
