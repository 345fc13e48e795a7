// @ts-check
/**
 * The OpenTelemetry SDK as the cases register it: a MeterProvider with a reader that only answers
 * `collect()` (no timer, no export), and a tracer provider with AlwaysOnSampler, either with no span
 * processor or with a real BatchSpanProcessor exporting to an in-memory exporter.
 *
 * Two SDK lines: 2.x (sdk-metrics 2.x, `BasicTracerProvider` of sdk-trace-base 2.x; the bench's own
 * dependencies, Node >= 20) by default, and 3.x (sdk-metrics 3.x, `TracerProvider` of sdk-trace 3.x, whose
 * processors take `{ exporter }`; Node >= 22.15) with `npm run bench -- --sdk 3`, which sets
 * {@link SDK_LINE_ENV} for the children. The 3.x packages are the ones `test-sdk3/` installs.
 */
import { createRequire } from 'node:module';
import { metrics, trace } from '@opentelemetry/api';
import * as metrics2 from '@opentelemetry/sdk-metrics';
import * as trace2 from '@opentelemetry/sdk-trace-base';

/** The environment variable that names the SDK line of a run's children: `2` (the default) or `3`. */
export const SDK_LINE_ENV = 'TRIPSWITCH_BENCH_SDK';

/** Where the 3.x line is installed: the workspace that runs the telemetry contract on it. */
const sdk3 = createRequire(new URL('../../../test-sdk3/package.json', import.meta.url));

/**
 * The SDK line this process uses, by {@link SDK_LINE_ENV}.
 * @returns {'2' | '3'}
 */
export function sdkLine() {
  const line = process.env[SDK_LINE_ENV] ?? '2';
  if (line !== '2' && line !== '3') throw new Error(`${SDK_LINE_ENV} must be 2 or 3, got ${line}`);
  return line;
}

/**
 * Checks that this Node.js can run the SDK line, with a message that says how to run it otherwise.
 * @param {string} line
 */
export function checkSdkLine(line) {
  if (line !== '2' && line !== '3') throw new Error(`--sdk must be 2 or 3, got ${line}`);
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  if (line === '3' && (major < 22 || (major === 22 && minor < 15))) {
    throw new Error(
      `--sdk 3 needs Node.js >= 22.15 (the OpenTelemetry SDK 3.x line), this is ${process.version}: ` +
        'run `node scripts/with-node.mjs 24 -- npm run bench -- --sdk 3`',
    );
  }
}

/** The classes of one line, so the bench builds the same SDK on either. @param {'2' | '3'} line */
function classesOf(line) {
  if (line === '2') {
    return {
      MeterProvider: metrics2.MeterProvider,
      MetricReader: metrics2.MetricReader,
      InMemorySpanExporter: trace2.InMemorySpanExporter,
      AlwaysOnSampler: trace2.AlwaysOnSampler,
      tracerProvider: (/** @type {object} */ options) => new trace2.BasicTracerProvider(options),
      batchProcessor: (/** @type {any} */ exporter) => new trace2.BatchSpanProcessor(exporter),
    };
  }
  const m3 = sdk3('@opentelemetry/sdk-metrics');
  const t3 = sdk3('@opentelemetry/sdk-trace');
  return {
    MeterProvider: m3.MeterProvider,
    MetricReader: m3.MetricReader,
    InMemorySpanExporter: t3.InMemorySpanExporter,
    AlwaysOnSampler: t3.AlwaysOnSampler,
    tracerProvider: (/** @type {object} */ options) => new t3.TracerProvider(options),
    batchProcessor: (/** @type {any} */ exporter) => new t3.BatchSpanProcessor({ exporter }),
  };
}

/**
 * Registers the SDK of this process's line globally and returns its parts.
 * @param {'none' | 'batch'} spans no span processor, or a BatchSpanProcessor + in-memory exporter
 */
export function registerSdk(spans = 'none') {
  const sdk = classesOf(sdkLine());
  /** A reader that only answers `collect()`: enough for the SDK to aggregate, nothing else. */
  class CollectOnlyReader extends sdk.MetricReader {
    async onForceFlush() {}
    async onShutdown() {}
  }
  /** An in-memory exporter that forgets what it holds past a few thousand spans (a run makes millions). */
  class BoundedInMemoryExporter extends sdk.InMemorySpanExporter {
    exported = 0;
    /** @param {any[]} spans @param {(result: any) => void} done */
    export(spans, done) {
      this.exported += spans.length;
      super.export(spans, done);
      if (this.getFinishedSpans().length >= 4096) this.reset();
    }
  }
  // Typed as the 2.x reader the helpers below take: both lines' readers answer `collect()` the same way.
  const reader = /** @type {metrics2.MetricReader} */ (/** @type {unknown} */ (new CollectOnlyReader()));
  const meterProvider = new sdk.MeterProvider({ readers: [reader] });
  const exporter = spans === 'batch' ? new BoundedInMemoryExporter() : undefined;
  const tracerProvider = sdk.tracerProvider({
    sampler: new sdk.AlwaysOnSampler(),
    spanProcessors: exporter === undefined ? [] : [sdk.batchProcessor(exporter)],
  });
  metrics.setGlobalMeterProvider(meterProvider);
  trace.setGlobalTracerProvider(tracerProvider);
  return { reader, meterProvider, tracerProvider, exporter };
}

/**
 * Sums a counter's points over one collection. @param {metrics2.MetricReader} reader @param {string} name
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

/** Proves that a measured case really recorded calls through the SDK. @param {metrics2.MetricReader} reader */
export async function recordedCalls(reader) {
  const calls = await counted(reader, 'tripswitch.breaker.calls');
  if (!(calls > 0)) throw new Error('the SDK recorded no calls: the case measured nothing');
  return { recordedCalls: calls };
}
