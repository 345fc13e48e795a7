// @ts-check
/**
 * The OpenTelemetry SDK as the cases register it: a MeterProvider with a reader that only answers
 * `collect()` (no timer, no export), and a BasicTracerProvider with AlwaysOnSampler, either with no span
 * processor or with a real BatchSpanProcessor exporting to an in-memory exporter.
 */
import { metrics, trace } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import {
  AlwaysOnSampler,
  BasicTracerProvider,
  BatchSpanProcessor,
  InMemorySpanExporter,
} from '@opentelemetry/sdk-trace-base';

/** A reader that only answers `collect()`: enough for the SDK to aggregate, nothing else. */
export class CollectOnlyReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

/** An in-memory exporter that forgets what it holds past a few thousand spans (a run makes millions). */
export class BoundedInMemoryExporter extends InMemorySpanExporter {
  exported = 0;
  /** @type {InMemorySpanExporter['export']} */
  export(spans, done) {
    this.exported += spans.length;
    super.export(spans, done);
    if (this.getFinishedSpans().length >= 4096) this.reset();
  }
}

/**
 * Registers the SDK globally and returns its parts.
 * @param {'none' | 'batch'} spans no span processor, or a BatchSpanProcessor + in-memory exporter
 */
export function registerSdk(spans = 'none') {
  const reader = new CollectOnlyReader();
  const meterProvider = new MeterProvider({ readers: [reader] });
  const exporter = spans === 'batch' ? new BoundedInMemoryExporter() : undefined;
  const tracerProvider = new BasicTracerProvider({
    sampler: new AlwaysOnSampler(),
    spanProcessors: exporter === undefined ? [] : [new BatchSpanProcessor(exporter)],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  trace.setGlobalTracerProvider(tracerProvider);
  return { reader, meterProvider, tracerProvider, exporter };
}

/**
 * Sums a counter's points over one collection. @param {MetricReader} reader @param {string} name
 * @param {(attributes: Record<string, unknown>) => boolean} [where]
 */
export async function counted(reader, name, where = () => true) {
  const { resourceMetrics } = await reader.collect();
  let sum = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (metric.descriptor.name !== name) continue;
      for (const point of metric.dataPoints) if (where(point.attributes)) sum += Number(point.value);
    }
  }
  return sum;
}

/** Proves that a measured case really recorded calls through the SDK. @param {MetricReader} reader */
export async function recordedCalls(reader) {
  const calls = await counted(reader, 'tripswitch.breaker.calls');
  if (!(calls > 0)) throw new Error('the SDK recorded no calls: the case measured nothing');
  return { recordedCalls: calls };
}
