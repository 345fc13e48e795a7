import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  type DataPoint,
  MeterProvider,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { ensureRedisServer, startRedis, type TestRedis } from '@tripswitch/testkit/redis-server';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { callOnce, driveUntil, type Replica, startFleet, stopFleet } from './test-fleet.js';

class Reader extends MetricReader {
  constructor() {
    super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const server = ensureRedisServer();

describe.skipIf('skip' in server)('coordination telemetry with the real OpenTelemetry SDK', () => {
  let redis: TestRedis;
  let fleet: Replica[] = [];
  beforeAll(async () => {
    redis = await startRedis((server as { binary: string }).binary);
  });
  afterEach(async () => {
    await stopFleet(fleet);
    metrics.disable();
  });
  afterAll(() => redis?.stop());

  it('makes remote transitions ordinary transition spans with origin and a link to the origin span; counts messages', async () => {
    const sdks = [0, 1].map(() => {
      const exporter = new InMemorySpanExporter();
      const reader = new Reader();
      return {
        exporter,
        reader,
        tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }),
        meterProvider: new MeterProvider({ readers: [reader] }),
      };
    });
    const [a, b] = sdks as [(typeof sdks)[0], (typeof sdks)[0]];
    // One replica per startFleet call, as each has its own SDK (coordinate()'s meterProvider is per call).
    fleet = [];
    for (const [sdk, instanceId] of [
      [a, 'replica-a'],
      [b, 'replica-b'],
    ] as const) {
      const { tracerProvider, meterProvider } = sdk;
      fleet.push(
        ...(await startFleet(
          redis.url,
          1,
          { failureThreshold: 1, resetTimeout: 60_000 },
          { instanceId, meterProvider },
          () => ({ tracerProvider, meterProvider }),
        )),
      );
    }
    const [ra, rb] = fleet as [Replica, Replica];
    await callOnce(ra, { up: false });
    expect(await driveUntil([], { up: true }, 2000, () => rb.breaker.getMetrics().state === 'open')).toBe(
      true,
    );

    const originSpan = a.exporter
      .getFinishedSpans()
      .find((s) => s.name === 'circuit_breaker.transition upstream');
    const remoteSpan = b.exporter
      .getFinishedSpans()
      .find((s) => s.name === 'circuit_breaker.transition upstream');
    expect(originSpan?.attributes['tripswitch.breaker.reason']).toBe('consecutive_failures');
    expect(originSpan?.attributes['tripswitch.breaker.origin']).toBeUndefined();
    expect(remoteSpan?.attributes).toMatchObject({
      'tripswitch.breaker.state': 'open',
      'tripswitch.breaker.previous_state': 'closed',
      'tripswitch.breaker.reason': 'remote',
      'tripswitch.breaker.origin': 'replica-a',
    });
    expect(remoteSpan?.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([
      [originSpan?.spanContext().traceId, originSpan?.spanContext().spanId],
    ]);

    const points = async (reader: Reader, name: string) => {
      const { resourceMetrics } = await reader.collect();
      return resourceMetrics.scopeMetrics
        .flatMap((s) => s.metrics)
        .filter((m) => m.descriptor.name === name)
        .flatMap((m) => m.dataPoints as DataPoint<number>[]);
    };
    const transitions = await points(b.reader, 'tripswitch.breaker.transitions');
    expect(
      transitions.find(
        (p) =>
          p.attributes['tripswitch.breaker.reason'] === 'remote' &&
          p.attributes['tripswitch.breaker.origin'] === 'replica-a',
      )?.value,
    ).toBe(1);
    const published = await points(a.reader, 'tripswitch.coordination.messages');
    expect(
      published.map((p) => [
        p.attributes['tripswitch.coordination.outcome'],
        p.attributes['tripswitch.coordination.type'],
        p.value,
      ]),
    ).toEqual([['published', 'open', 1]]);
    const received = await points(b.reader, 'tripswitch.coordination.messages');
    expect(received.map((p) => [p.attributes['tripswitch.coordination.outcome'], p.value])).toEqual([
      ['received', 1],
    ]);
    const connected = await points(b.reader, 'tripswitch.coordination.connected');
    expect(connected.map((p) => [p.attributes['tripswitch.coordination.channel'], p.value])).toEqual([
      ['fleet-test', 1],
    ]);
  });
});
