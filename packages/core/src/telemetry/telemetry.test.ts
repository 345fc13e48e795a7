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
    const { resourceMetrics } = await reader.collect();
    const calls = resourceMetrics.scopeMetrics
      .flatMap((s) => s.metrics)
      .find((m) => m.descriptor.name === 'tripswitch.breaker.calls');
    const success = calls?.dataPoints.find(
      (p) =>
        p.attributes['tripswitch.breaker.name'] === 'lazy' &&
        p.attributes['tripswitch.breaker.outcome'] === 'success',
    );
    expect(success?.value).toBeGreaterThanOrEqual(1);
    await meterProvider.shutdown();
  });
});
