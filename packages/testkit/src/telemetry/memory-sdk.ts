import type { SdkLine } from './sdk-line.js';

/** One in-memory OpenTelemetry SDK: the providers to pass in, and where their spans and metrics land. */
export interface MemorySdk {
  /** Keeps every finished span. */
  readonly exporter: ReturnType<SdkLine['inMemoryExporter']>;
  /** Metrics on `collect()` only (no export loop). */
  readonly reader: ReturnType<SdkLine['reader']>;
  readonly tracerProvider: ReturnType<SdkLine['tracerProvider']>;
  readonly meterProvider: ReturnType<SdkLine['meterProvider']>;
}

/**
 * The tracer and meter providers of `line`, wired to an in-memory exporter (through a simple processor,
 * so a span is there as soon as it ends) and a collect-only reader. Nothing global is touched: pass
 * `{ tracerProvider, meterProvider }` as a breaker's or a registry's `telemetry`.
 *
 * @example
 * ```ts
 * const { exporter, reader, tracerProvider, meterProvider } = memorySdk(sdk2);
 * const breaker = new CircuitBreaker({ name: 'up', telemetry: { tracerProvider, meterProvider } });
 * ```
 */
export function memorySdk(line: SdkLine, temporality: 'cumulative' | 'delta' = 'cumulative'): MemorySdk {
  const exporter = line.inMemoryExporter();
  const reader = line.reader(temporality);
  return {
    exporter,
    reader,
    tracerProvider: line.tracerProvider([line.simpleProcessor(exporter)]),
    meterProvider: line.meterProvider([reader]),
  };
}
