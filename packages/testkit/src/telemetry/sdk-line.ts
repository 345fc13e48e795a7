import type { ContextManager, MeterProvider, TextMapPropagator, TracerProvider } from '@opentelemetry/api';
import type { Instrumentation } from '@opentelemetry/instrumentation';
import type { ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter, SpanProcessor } from '@opentelemetry/sdk-trace-base';

/** An exporter that keeps what it was given. */
export interface MemorySpanExporter extends SpanExporter {
  getFinishedSpans(): ReadableSpan[];
  reset(): void;
}

/** A tracer provider of either SDK line: `BasicTracerProvider` (2.x) or `TracerProvider` (3.x). */
export interface TestTracerProvider extends TracerProvider {
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

/** A meter provider of either SDK line. */
export interface TestMeterProvider extends MeterProvider {
  shutdown(): Promise<void>;
}

/** A metric reader that collects on demand. */
export interface TestMetricReader {
  collect(): Promise<{ resourceMetrics: ResourceMetrics; errors: unknown[] }>;
}

/**
 * The pieces of one OpenTelemetry JS SDK line (2.x or 3.x) that the telemetry contract needs. The contract
 * bodies never import an SDK themselves: the same assertions run on whichever line they are given.
 */
export interface SdkLine {
  /** Shown in the test names, e.g. `SDK 2.x`. */
  readonly label: string;
  inMemoryExporter(): MemorySpanExporter;
  simpleProcessor(exporter: SpanExporter): SpanProcessor;
  tracerProvider(processors: SpanProcessor[]): TestTracerProvider;
  meterProvider(readers: readonly TestMetricReader[]): TestMeterProvider;
  /** A reader with no export loop: data only when `collect()` is called. */
  reader(temporality?: 'cumulative' | 'delta'): TestMetricReader;
  /** The Prometheus exporter as a reader (no server), and its text format for what it collects. */
  prometheus(): { reader: TestMetricReader; scrape(): Promise<string> };
  contextManager(): ContextManager;
  propagator(): TextMapPropagator;
  instrumentations: {
    http(): Instrumentation;
    express(): Instrumentation;
    koa(): Instrumentation;
    /** `@fastify/otel`; a line without it runs the Fastify contract under the HTTP instrumentation alone. */
    fastify?(): Instrumentation;
    /** `@opentelemetry/instrumentation-undici`: undici and the fetch Node.js ships (diagnostics channels). */
    undici(): Instrumentation;
  };
  registerInstrumentations(instrumentations: Instrumentation[], tracerProvider: TracerProvider): void;
}
