import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import type { SdkLine } from '@tripswitch/testkit/telemetry/sdk-line';

class CollectOnlyReader extends MetricReader {
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

// The testkit types the line with the 2.x declarations; the 3.x classes have the same public shape but
// their own private fields, so each factory hands its object over as the contract's structural type.
type Line<K extends keyof SdkLine> = SdkLine[K];

/**
 * The OpenTelemetry JS SDK 3.x line: `@opentelemetry/sdk-trace` (TracerProvider, SimpleSpanProcessor
 * taking `{ exporter }`), sdk-metrics 3.x, api 1.10, instrumentations 0.30x / 0.72.
 */
export const sdk3: SdkLine = {
  label: 'SDK 3.x',
  inMemoryExporter: (() => new InMemorySpanExporter()) as unknown as Line<'inMemoryExporter'>,
  simpleProcessor: ((exporter: unknown) =>
    new SimpleSpanProcessor({ exporter } as never)) as unknown as Line<'simpleProcessor'>,
  tracerProvider: ((spanProcessors: unknown) =>
    new TracerProvider({ spanProcessors } as never)) as unknown as Line<'tracerProvider'>,
  meterProvider: ((readers) => new MeterProvider({ readers: readers as never })) as Line<'meterProvider'>,
  reader: ((temporality = 'cumulative') =>
    new CollectOnlyReader({
      aggregationTemporalitySelector: () =>
        temporality === 'delta' ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    })) as unknown as Line<'reader'>,
  prometheus: (() => {
    const reader = new PrometheusExporter({ preventServerStart: true });
    const serializer = new PrometheusSerializer();
    return {
      reader,
      scrape: async () => serializer.serialize((await reader.collect()).resourceMetrics),
    };
  }) as unknown as Line<'prometheus'>,
  contextManager: () => new AsyncLocalStorageContextManager(),
  propagator: () => new W3CTraceContextPropagator(),
  instrumentations: {
    http: () => new HttpInstrumentation({ enabled: false }) as never,
    express: () => new ExpressInstrumentation({ enabled: false }) as never,
    koa: () => new KoaInstrumentation({ enabled: false }) as never,
    // Not `enabled: false`: this instrumentation then never makes spans, even after enable().
    undici: () => new UndiciInstrumentation() as never,
  },
  registerInstrumentations: (instrumentations, tracerProvider) =>
    registerInstrumentations({ instrumentations: instrumentations as never, tracerProvider }),
};
