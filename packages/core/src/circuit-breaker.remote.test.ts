import { type Attributes, TraceFlags } from '@opentelemetry/api';
import type { DataPoint } from '@opentelemetry/sdk-metrics';
import { describe, expect, it } from 'vitest';
import { memorySdk } from '../../testkit/src/telemetry/memory-sdk.js';
import { sdk2 } from '../../testkit/src/telemetry/sdk2.js';
import { CircuitBreaker } from './circuit-breaker.js';
import type { StateChangeEvent } from './events.js';

function sdk() {
  const { exporter, reader, tracerProvider, meterProvider } = memorySdk(sdk2);
  return { exporter, reader, telemetry: { tracerProvider, meterProvider } };
}

const origin = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };

describe('CircuitBreaker remote transitions (telemetry)', () => {
  it('puts origin on the transition span and count, links the span to the given one, and hands out its context', async () => {
    const { exporter, reader, telemetry } = sdk();
    const breaker = new CircuitBreaker({ name: 'up', telemetry });
    const changes: StateChangeEvent[] = [];
    breaker.on('stateChange', (e) => changes.push(e));
    const link = { ...origin, traceFlags: TraceFlags.SAMPLED, isRemote: true };
    breaker.openFor(1000, { reason: 'remote', origin: 'replica-a', link });
    breaker.close({ reason: 'remote', origin: 'replica-a' });

    const spans = exporter.getFinishedSpans();
    expect(spans.map((s) => s.name)).toEqual([
      'circuit_breaker.transition up',
      'circuit_breaker.transition up',
    ]);
    expect(spans[0]?.attributes['tripswitch.breaker.origin']).toBe('replica-a');
    expect(spans[0]?.attributes['tripswitch.breaker.reason']).toBe('remote');
    expect(spans[0]?.links.map((l) => [l.context.traceId, l.context.spanId])).toEqual([
      [origin.traceId, origin.spanId],
    ]);
    expect(spans[1]?.links).toEqual([]);
    expect(changes[0]?.spanContext?.spanId).toBe(spans[0]?.spanContext().spanId);
    expect(changes[1]?.spanContext?.traceId).toBe(spans[1]?.spanContext().traceId);

    const { resourceMetrics } = await reader.collect();
    const transitions = resourceMetrics.scopeMetrics[0]?.metrics.find(
      (m) => m.descriptor.name === 'tripswitch.breaker.transitions',
    );
    const points = (transitions?.dataPoints ?? []) as DataPoint<number>[];
    const find = (attrs: Attributes) =>
      points.find((p) => Object.entries(attrs).every(([k, v]) => p.attributes[k] === v))?.value;
    expect(find({ 'tripswitch.breaker.state': 'open', 'tripswitch.breaker.origin': 'replica-a' })).toBe(1);
    expect(find({ 'tripswitch.breaker.state': 'closed', 'tripswitch.breaker.reason': 'remote' })).toBe(1);
  });

  it('keeps at most 100 distinct origins on counts; later ones count as _OTHER (spans keep the real one)', async () => {
    const { exporter, reader, telemetry } = sdk();
    const breaker = new CircuitBreaker({ name: 'many', telemetry });
    for (let i = 0; i < 101; i++) {
      breaker.openFor(60_000, { reason: 'remote', origin: `r${i}` });
      breaker.close({ reason: 'remote', origin: `r${i}` });
    }
    const { resourceMetrics } = await reader.collect();
    const points = (resourceMetrics.scopeMetrics[0]?.metrics.find(
      (m) => m.descriptor.name === 'tripswitch.breaker.transitions',
    )?.dataPoints ?? []) as DataPoint<number>[];
    const origins = new Set(points.map((p) => p.attributes['tripswitch.breaker.origin']));
    expect(origins.size).toBe(101);
    expect(origins.has('_OTHER')).toBe(true);
    expect(origins.has('r100')).toBe(false);
    expect(exporter.getFinishedSpans().at(-1)?.attributes['tripswitch.breaker.origin']).toBe('r100');
  });
});
