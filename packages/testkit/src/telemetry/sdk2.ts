import { FastifyOtelInstrumentation } from '@fastify/otel';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import type { SdkLine } from './sdk-line.js';

class CollectOnlyReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

/** The OpenTelemetry JS SDK 2.x line (sdk-trace-base, sdk-metrics 2.12), as the packages test on Node 20. */
export const sdk2: SdkLine = {
  label: 'SDK 2.x',
  inMemoryExporter: () => new InMemorySpanExporter(),
  simpleProcessor: (exporter) => new SimpleSpanProcessor(exporter),
  tracerProvider: (spanProcessors) => new BasicTracerProvider({ spanProcessors }),
  meterProvider: (readers) => new MeterProvider({ readers: readers as MetricReader[] }),
  reader: (temporality = 'cumulative') =>
    new CollectOnlyReader({
      aggregationTemporalitySelector: () =>
        temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    }),
  prometheus: () => {
    const reader = new PrometheusExporter({ preventServerStart: true });
    const serializer = new PrometheusSerializer();
    return {
      reader,
      scrape: async () => serializer.serialize((await reader.collect()).resourceMetrics),
    };
  },
  contextManager: () => new AsyncLocalStorageContextManager(),
  propagator: () => new W3CTraceContextPropagator(),
  instrumentations: {
    http: () => new HttpInstrumentation({ enabled: false }),
    express: () => new ExpressInstrumentation({ enabled: false }),
    koa: () => new KoaInstrumentation({ enabled: false }),
    fastify: () => new FastifyOtelInstrumentation({ enabled: false, registerOnInitialization: true }),
    // Not `enabled: false`: this instrumentation then never makes spans, even after enable().
    undici: () => new UndiciInstrumentation(),
  },
  registerInstrumentations: (instrumentations, tracerProvider) =>
    registerInstrumentations({ instrumentations, tracerProvider }),
};
