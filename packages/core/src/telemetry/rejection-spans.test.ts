import { context, diag, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type MemorySdk, memorySdk } from '../../../testkit/src/telemetry/memory-sdk.js';
import { sdk2 } from '../../../testkit/src/telemetry/sdk2.js';
import { CircuitBreaker, createTestClock, type RejectionSpans, type TestClock } from '../index.js';
import { BreakerRegistry } from '../registry.js';

describe('rejectionSpans', () => {
  let exporter: MemorySdk['exporter'];
  let tracerProvider: MemorySdk['tracerProvider'];
  let meterProvider: MemorySdk['meterProvider'];
  let reader: MemorySdk['reader'];
  let clock: TestClock;

  beforeEach(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
    ({ exporter, tracerProvider, meterProvider, reader } = memorySdk(sdk2));
    clock = createTestClock();
  });
  afterEach(async () => {
    context.disable();
    diag.disable();
    await meterProvider.shutdown();
  });

  const tripped = async (rejectionSpans?: RejectionSpans) => {
    const b = new CircuitBreaker({
      name: 'flood',
      failureThreshold: 1,
      resetTimeout: 1000,
      clock,
      telemetry: { tracerProvider, meterProvider, ...(rejectionSpans ? { rejectionSpans } : {}) },
    });
    await b.execute(() => Promise.reject(new Error('down'))).catch(() => {});
    expect(b.state).toBe('open');
    return b;
  };
  const rejectSpans = () =>
    exporter.getFinishedSpans().filter((s) => s.name === 'circuit_breaker.reject flood');
  const rejectedCount = async () => {
    const { resourceMetrics } = await reader.collect();
    const calls = resourceMetrics.scopeMetrics[0]?.metrics.find(
      (m) => m.descriptor.name === 'tripswitch.breaker.calls',
    );
    return calls?.dataPoints
      .filter((p) => p.attributes['tripswitch.breaker.outcome'] === 'rejected')
      .reduce((sum, p) => sum + (p.value as number), 0);
  };
  /** Runs `fn` under a span with the given trace flags, as a traced (or untraced) request would. */
  const underSpan = (flags: TraceFlags, fn: () => void) => {
    const parent = trace.wrapSpanContext({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: flags,
    });
    context.with(trace.setSpan(ROOT_CONTEXT, parent), fn);
  };

  it("by default ('first') spans the first rejection of each open period, and rejections in sampled traces", async () => {
    const b = await tripped();
    for (let i = 0; i < 50; i++) expect(b.tryAcquire()).toBeUndefined();
    expect(rejectSpans()).toHaveLength(1);

    underSpan(TraceFlags.SAMPLED, () => b.tryAcquire());
    underSpan(TraceFlags.SAMPLED, () => b.tryAcquire());
    expect(rejectSpans()).toHaveLength(3);
    expect(rejectSpans()[2]?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    underSpan(TraceFlags.NONE, () => b.tryAcquire());
    expect(rejectSpans()).toHaveLength(3);

    // The next period has its own first span: half_open with its trial slot taken, then open again.
    clock.advance(1000);
    const trial = b.tryAcquire();
    expect(trial?.trial).toBe(true);
    b.tryAcquire();
    b.tryAcquire();
    expect(rejectSpans().map((s) => s.attributes['error.type'])).toEqual([
      'circuit_open',
      'circuit_open',
      'circuit_open',
      'half_open_full',
    ]);
    trial?.failure(new Error('still down'));
    expect(b.state).toBe('open');
    b.tryAcquire();
    b.tryAcquire();
    expect(rejectSpans()).toHaveLength(5);
    // Every rejection is counted whatever the spans.
    expect(await rejectedCount()).toBe(50 + 3 + 2 + 2);
  });

  it("spans every rejection with 'all', and none with 'none'", async () => {
    const all = await tripped('all');
    for (let i = 0; i < 20; i++) all.tryAcquire();
    expect(rejectSpans()).toHaveLength(20);
    exporter.reset();
    const none = await tripped('none');
    underSpan(TraceFlags.SAMPLED, () => none.tryAcquire());
    for (let i = 0; i < 20; i++) none.tryAcquire();
    expect(rejectSpans()).toHaveLength(0);
    expect(await rejectedCount()).toBe(20 + 21);
  });

  it('takes the setting from a registry, and rejects a bad value naming option and value', async () => {
    const registry = new BreakerRegistry({ telemetry: { tracerProvider, rejectionSpans: 'all' } });
    const b = registry.get('flood', { failureThreshold: 1, clock });
    await b.execute(() => Promise.reject(new Error('down'))).catch(() => {});
    for (let i = 0; i < 3; i++) b.tryAcquire();
    expect(rejectSpans()).toHaveLength(3);
    expect(
      () =>
        new CircuitBreaker({
          name: 'bad',
          telemetry: { rejectionSpans: 'some' as RejectionSpans },
        }),
    ).toThrow(new TypeError("telemetry.rejectionSpans must be one of 'first', 'all', 'none', got \"some\""));
    expect(
      () => new CircuitBreaker({ telemetry: { rejectionSpans: null as unknown as 'all' } }),
    ).not.toThrow();
  });
});
