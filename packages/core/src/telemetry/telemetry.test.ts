import { context, metrics, trace } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import {
  type CoreUnderTest,
  describeCoreTelemetry,
} from '../../../testkit/src/telemetry/core-telemetry-contract.js';
import { sdk2 } from '../../../testkit/src/telemetry/sdk2.js';
import { CircuitBreaker } from '../circuit-breaker.js';
import { createTestClock } from '../clock.js';
import { BreakerRegistry } from '../registry.js';
import { VERSION } from '../version.js';

// The contract every SDK line is held to (test/sdk3 runs the same bodies on SDK 3.x and Node 24).
// The contract is typed against the published declarations; these are the same classes from source.
const core = {
  CircuitBreaker,
  BreakerRegistry,
  createTestClock,
  version: VERSION,
} as unknown as CoreUnderTest;
describeCoreTelemetry(sdk2, core);

/** The `tripswitch.breaker.calls` success count of one breaker, read through the reader. */
async function successCalls(reader: ReturnType<typeof sdk2.reader>, name: string): Promise<unknown> {
  const { resourceMetrics } = await reader.collect();
  const calls = resourceMetrics.scopeMetrics
    .flatMap((s) => s.metrics)
    .find((m) => m.descriptor.name === 'tripswitch.breaker.calls');
  return calls?.dataPoints.find(
    (p) =>
      p.attributes['tripswitch.breaker.name'] === name &&
      p.attributes['tripswitch.breaker.outcome'] === 'success',
  )?.value;
}

describe('telemetry objects', () => {
  afterEach(() => {
    context.disable();
    trace.disable();
    metrics.disable();
  });

  it('carries none while no SDK is registered, and makes them on the first call after', async () => {
    const clock = createTestClock();
    const reader = sdk2.reader();
    const meterProvider = sdk2.meterProvider([reader]);
    const breaker = new CircuitBreaker({ name: 'lazy', clock });
    for (let i = 0; i < 200; i++) await breaker.execute(async () => i);
    expect(breaker._telemetry).toBeUndefined();
    trace.setGlobalTracerProvider(sdk2.tracerProvider([]));
    metrics.setGlobalMeterProvider(meterProvider);
    for (let i = 0; i < 200 && breaker._telemetry === undefined; i++) await breaker.execute(async () => i);
    expect(breaker._telemetry).toBeDefined();
    await breaker.execute(async () => 'counted');
    expect(await successCalls(reader, 'lazy')).toBeGreaterThanOrEqual(1);
    await meterProvider.shutdown();
  });

  it('settles calls admitted before an SDK registered without reporting them, within 64 calls', async () => {
    const reader = sdk2.reader();
    const meterProvider = sdk2.meterProvider([reader]);
    const breaker = new CircuitBreaker({ name: 'in-flight', clock: createTestClock() });
    for (let i = 0; i < 100; i++) await breaker.execute(async () => i);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    // Admitted with no telemetry (the closed fast path): they must settle on the side, uncounted.
    const early = [breaker.execute(() => gate.then(() => 'a')), breaker.execute(() => gate.then(() => 'b'))];
    trace.setGlobalTracerProvider(sdk2.tracerProvider([]));
    metrics.setGlobalMeterProvider(meterProvider);
    let admissions = 0;
    while (breaker._telemetry === undefined && admissions < 100) {
      admissions++;
      await breaker.execute(async () => 'late');
    }
    expect(admissions).toBeLessThanOrEqual(64);
    release();
    expect(await Promise.all(early)).toEqual(['a', 'b']);
    await breaker.execute(async () => 'counted');
    expect(breaker.getMetrics()).toMatchObject({ successCount: 103 + admissions, inFlight: 0 });
    // The call that made the telemetry and the one after; not the two admitted before it.
    expect(await successCalls(reader, 'in-flight')).toBe(2);
    await meterProvider.shutdown();
  });
});
