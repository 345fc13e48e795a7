/**
 * Group 6: what telemetry costs on the closed success path. Each case runs in its own child process (as
 * every micro case does), so an SDK registered for one variant cannot leak into another.
 */
import { metrics, trace } from '@opentelemetry/api';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { AlwaysOnSampler, BasicTracerProvider } from '@opentelemetry/sdk-trace-base';
import { ok, tripswitch } from '../lib/subjects.js';

/** A reader that only answers `collect()`: no timer, no export; enough for the SDK to record. */
class CollectOnlyReader extends MetricReader {
  async onForceFlush() {}
  async onShutdown() {}
}

/** Registers the SDK globally: a MeterProvider with a reader, a BasicTracerProvider that samples all. */
function registerSdk() {
  const reader = new CollectOnlyReader();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
  trace.setGlobalTracerProvider(new BasicTracerProvider({ sampler: new AlwaysOnSampler() }));
  return reader;
}

/** Reads the calls counter back, proving the SDK variant really recorded what it was measured doing. */
async function recordedCalls(reader) {
  const { resourceMetrics } = await reader.collect();
  let calls = 0;
  for (const scope of resourceMetrics.scopeMetrics) {
    for (const metric of scope.metrics) {
      if (!metric.descriptor.name.endsWith('.calls')) continue;
      for (const point of metric.dataPoints) calls += point.value;
    }
  }
  if (!(calls > 0)) throw new Error('the SDK recorded no calls: the variant measured nothing');
  return { recordedCalls: calls };
}

export const group = {
  id: 'telemetry',
  title: '6. Telemetry cost, closed success, `execute()`',
  floorLabel: 'floor: `await fn()`',
  floor: { make: () => () => ok() },
  cases: [
    {
      id: 'disabled',
      label: 'tripswitch, `telemetry: { enabled: false }`',
      make: () => {
        const b = tripswitch({ telemetry: { enabled: false } });
        return () => b.execute(ok);
      },
    },
    {
      id: 'api-no-sdk',
      label: 'tripswitch, @opentelemetry/api without an SDK (default)',
      make: () => {
        const b = tripswitch();
        return () => b.execute(ok);
      },
    },
    {
      id: 'sdk',
      label: 'tripswitch, SDK registered (metrics reader + always-on tracer)',
      make: () => {
        const reader = registerSdk();
        const b = tripswitch();
        return { fn: () => b.execute(ok), after: () => recordedCalls(reader) };
      },
    },
    {
      id: 'sdk-trace-calls',
      label: 'tripswitch, SDK registered, `traceCalls: true` (a span per call)',
      make: () => {
        const reader = registerSdk();
        const b = tripswitch({ traceCalls: true });
        return { fn: () => b.execute(ok), after: () => recordedCalls(reader) };
      },
    },
  ],
  notes: [
    'Each row ran in a fresh process with its own floor. The SDK rows register a `MeterProvider` with a collect-only `MetricReader` and a `BasicTracerProvider` with `AlwaysOnSampler` (no span processor, no context manager); a `collect()` after the run checks that calls were recorded.',
  ],
};
