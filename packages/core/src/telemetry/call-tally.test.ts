import { type Attributes, diag, metrics, ValueType } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  type MetricData,
  MetricReader,
} from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CircuitBreaker, createTestClock, type Permit, type TestClock } from '../index.js';
import { BreakerRegistry } from '../registry.js';
import { METRIC_ACTIVE_CALLS, METRIC_CALLS } from './names.js';

/**
 * `tripswitch.breaker.calls` and `tripswitch.breaker.active_calls` are observed from counts the breaker
 * keeps; they used to be synchronous instruments recorded on every call. These tests run the same calls
 * through a breaker and through a reference made of the synchronous instruments, recorded the way the
 * breaker used to record them, and require the same export from both, collection by collection.
 */

const { CUMULATIVE, DELTA } = AggregationTemporality;

class TestReader extends MetricReader {
  constructor(temporality: AggregationTemporality) {
    super({ aggregationTemporalitySelector: () => temporality });
  }
  protected async onForceFlush(): Promise<void> {}
  protected async onShutdown(): Promise<void> {}
}

const NAME = 'tripswitch.breaker.name';
const OUTCOME = 'tripswitch.breaker.outcome';
const STATE = 'tripswitch.breaker.state';

/** What the breaker recorded before: a Counter and an UpDownCounter, one `add` per admission and outcome. */
class SyncReference {
  private readonly calls;
  private readonly active;
  constructor(
    provider: MeterProvider,
    private readonly breaker: string,
  ) {
    const meter = provider.getMeter('reference');
    this.calls = meter.createCounter(METRIC_CALLS, { unit: '{call}', valueType: ValueType.INT });
    this.active = meter.createUpDownCounter(METRIC_ACTIVE_CALLS, {
      unit: '{call}',
      valueType: ValueType.INT,
    });
    // The series every breaker starts with.
    this.calls.add(0, this.attrs('success', 'closed'));
    this.calls.add(0, this.attrs('failure', 'closed'));
    this.calls.add(0, this.attrs('rejected', 'open', 'circuit_open'));
  }
  admit(): void {
    this.active.add(1, { [NAME]: this.breaker });
  }
  settle(outcome: string, state: string, errorType?: string): void {
    this.active.add(-1, { [NAME]: this.breaker });
    this.calls.add(1, this.attrs(outcome, state, errorType));
  }
  reject(state: string, kind: string): void {
    this.calls.add(1, this.attrs('rejected', state, kind));
  }
  private attrs(outcome: string, state: string, errorType?: string): Attributes {
    const a: Attributes = { [NAME]: this.breaker, [OUTCOME]: outcome, [STATE]: state };
    if (errorType !== undefined) a['error.type'] = errorType;
    return a;
  }
}

/** The exported form that must not change: temporality, monotonicity, and each point's attributes and value. */
async function exported(reader: MetricReader, scope: string): Promise<Record<string, unknown>> {
  const { resourceMetrics, errors } = await reader.collect();
  expect(errors).toEqual([]);
  const out: Record<string, unknown> = {};
  for (const s of resourceMetrics.scopeMetrics) {
    if (s.scope.name !== scope) continue;
    for (const m of s.metrics) {
      if (m.descriptor.name !== METRIC_CALLS && m.descriptor.name !== METRIC_ACTIVE_CALLS) continue;
      out[m.descriptor.name] = shape(m);
    }
  }
  return out;
}

function shape(m: MetricData): unknown {
  expect(m.dataPointType).toBe(DataPointType.SUM);
  const points = m.dataPoints.map((p) => {
    const keys = Object.keys(p.attributes).sort();
    return `${keys.map((k) => `${k}=${String(p.attributes[k])}`).join(',')} → ${String(p.value)}`;
  });
  return {
    unit: m.descriptor.unit,
    valueType: m.descriptor.valueType,
    temporality: m.aggregationTemporality,
    monotonic: m.dataPointType === DataPointType.SUM ? m.isMonotonic : undefined,
    points: points.sort(),
  };
}

const ok = async () => 'ok';
const boom = () => Promise.reject(new TypeError('boom'));

interface Pair {
  breaker: CircuitBreaker<never>;
  ref: SyncReference;
  /** Collects both sides through the reader at `index` and requires the same export. */
  same(index?: number): Promise<Record<string, unknown>>;
}

function pair(
  clock: TestClock,
  temporalities: AggregationTemporality[],
): Pair & { shutdown(): Promise<void> } {
  const readers = temporalities.map((t) => new TestReader(t));
  const refReaders = temporalities.map((t) => new TestReader(t));
  const meterProvider = new MeterProvider({ readers });
  const refProvider = new MeterProvider({ readers: refReaders });
  const breaker = new CircuitBreaker({
    name: 'payments',
    failureThreshold: 3,
    resetTimeout: 1000,
    clock,
    telemetry: { meterProvider },
  });
  return {
    breaker,
    ref: new SyncReference(refProvider, 'payments'),
    async same(index = 0) {
      const ours = await exported(readers[index] as TestReader, '@tripswitch/core');
      const theirs = await exported(refReaders[index] as TestReader, 'reference');
      expect(ours).toEqual(theirs);
      return ours;
    },
    async shutdown() {
      await meterProvider.shutdown();
      await refProvider.shutdown();
    },
  };
}

/** Every kind of admission and outcome, with collections between them (some with nothing new). */
async function scenario({ breaker, ref, same }: Pair, clock: TestClock, collectWith: number[]) {
  let turn = 0;
  const check = () => same(collectWith[turn++ % collectWith.length]);

  await check(); // only the start series
  for (let i = 0; i < 2; i++) {
    ref.admit();
    await breaker.execute(ok);
    ref.settle('success', 'closed');
  }
  await check();
  await check(); // nothing happened since: delta exports nothing, cumulative the same totals

  ref.admit();
  const held = breaker.tryAcquire() as Permit;
  await check(); // one call in flight
  held.failure(Object.assign(new Error('reset'), { code: 'ECONNRESET' }));
  ref.settle('failure', 'closed', 'ECONNRESET');
  for (let i = 0; i < 2; i++) {
    ref.admit();
    await breaker.execute(boom).catch(() => {});
    ref.settle('failure', 'closed', 'TypeError');
  }
  expect(breaker.state).toBe('open');
  for (let i = 0; i < 3; i++) {
    expect(breaker.tryAcquire()).toBeUndefined();
    ref.reject('open', 'circuit_open');
  }
  await check();

  clock.advance(1000);
  ref.admit();
  const trial = breaker.tryAcquire() as Permit;
  expect(trial.trial).toBe(true);
  expect(breaker.tryAcquire()).toBeUndefined();
  ref.reject('half_open', 'half_open_full');
  await check();
  trial.success();
  ref.settle('success', 'half_open');
  expect(breaker.state).toBe('closed');

  ref.admit();
  (breaker.tryAcquire() as Permit).ignore();
  ref.settle('ignored', 'closed');
  await check();
  breaker.reset(); // zeroes getMetrics(), never an exported counter
  ref.admit();
  await breaker.execute(ok);
  ref.settle('success', 'closed');
  breaker.forceOpen();
  expect(breaker.tryAcquire()).toBeUndefined();
  ref.reject('forced_open', 'circuit_open');
  const last = await check();
  await check();
  return last;
}

describe('call counts observed from the breaker', () => {
  let clock: TestClock;
  beforeEach(() => {
    clock = createTestClock();
  });
  afterEach(() => {
    metrics.disable();
    diag.disable();
  });

  for (const [label, temporality] of [
    ['cumulative', CUMULATIVE],
    ['delta', DELTA],
  ] as const) {
    it(`exports what the synchronous instruments exported, with ${label} temporality`, async () => {
      const p = pair(clock, [temporality]);
      const last = (await scenario(p, clock, [0])) as Record<string, { points: string[] }>;
      // The comparison above is not vacuous: the last collection holds the expected series.
      if (temporality === CUMULATIVE) {
        expect(last[METRIC_CALLS]?.points).toContain(
          'error.type=circuit_open,tripswitch.breaker.name=payments,tripswitch.breaker.outcome=rejected,tripswitch.breaker.state=open → 3',
        );
        expect(last[METRIC_ACTIVE_CALLS]?.points).toEqual(['tripswitch.breaker.name=payments → 0']);
      } else {
        expect(last[METRIC_CALLS]?.points).toEqual([
          'error.type=circuit_open,tripswitch.breaker.name=payments,tripswitch.breaker.outcome=rejected,tripswitch.breaker.state=forced_open → 1',
          'tripswitch.breaker.name=payments,tripswitch.breaker.outcome=success,tripswitch.breaker.state=closed → 1',
        ]);
      }
      await p.shutdown();
    });
  }

  it('gives two readers of one provider, cumulative and delta, each the same export as before', async () => {
    const p = pair(clock, [CUMULATIVE, DELTA]);
    // Alternating readers: what one reader's collection observed must still reach the other.
    await scenario(p, clock, [0, 1, 1, 0, 1]);
    await p.shutdown();
  });

  it('keeps the instrument descriptions', async () => {
    const reader = new TestReader(CUMULATIVE);
    const meterProvider = new MeterProvider({ readers: [reader] });
    const b = new CircuitBreaker({ name: 'd', telemetry: { meterProvider } });
    await b.execute(ok);
    const { resourceMetrics } = await reader.collect();
    const byName = new Map(resourceMetrics.scopeMetrics[0]?.metrics.map((m) => [m.descriptor.name, m]));
    expect(byName.get(METRIC_CALLS)?.descriptor.description).toBe(
      'Admission decisions and outcomes of calls through circuit breakers, rejections included.',
    );
    expect(byName.get(METRIC_ACTIVE_CALLS)?.descriptor.description).toBe(
      'Calls admitted by circuit breakers and not finished yet.',
    );
    await meterProvider.shutdown();
  });
});

/** Sums of `tripswitch.breaker.calls` per outcome for one breaker, from one collection. */
async function callsByOutcome(reader: MetricReader, breaker: string): Promise<Record<string, number>> {
  const { resourceMetrics } = await reader.collect();
  const out: Record<string, number> = {};
  for (const s of resourceMetrics.scopeMetrics) {
    for (const m of s.metrics) {
      if (m.descriptor.name !== METRIC_CALLS) continue;
      for (const p of m.dataPoints) {
        if (p.attributes[NAME] !== breaker) continue;
        const o = String(p.attributes[OUTCOME]);
        out[o] = (out[o] ?? 0) + (p.value as number);
      }
    }
  }
  return out;
}

async function activeCalls(reader: MetricReader, breaker: string): Promise<number | undefined> {
  const { resourceMetrics } = await reader.collect();
  for (const s of resourceMetrics.scopeMetrics) {
    for (const m of s.metrics) {
      if (m.descriptor.name !== METRIC_ACTIVE_CALLS) continue;
      const p = m.dataPoints.find((d) => d.attributes[NAME] === breaker);
      if (p !== undefined) return p.value as number;
    }
  }
  return undefined;
}

describe('call counts across SDK changes', () => {
  afterEach(() => {
    metrics.disable();
    diag.disable();
  });

  function sdk(): { provider: MeterProvider; reader: TestReader } {
    const reader = new TestReader(CUMULATIVE);
    return { provider: new MeterProvider({ readers: [reader] }), reader };
  }

  it('follows a global SDK replaced, shut down and registered again', async () => {
    const a = sdk();
    metrics.setGlobalMeterProvider(a.provider);
    const breaker = new CircuitBreaker({ name: 'global', failureThreshold: 100 });
    await breaker.execute(ok);
    await breaker.execute(ok);

    const b = sdk();
    metrics.disable();
    metrics.setGlobalMeterProvider(b.provider);
    // A collection looks at the global providers at once (calls do every 63 admissions): the replaced
    // SDK's collection hands the breaker over to the new one.
    expect(await callsByOutcome(a.reader, 'global')).toEqual({ success: 2, failure: 0, rejected: 0 });
    expect(await callsByOutcome(b.reader, 'global')).toEqual({ success: 0, failure: 0, rejected: 0 });
    for (let i = 0; i < 3; i++) await breaker.execute(ok);
    await breaker.execute(boom).catch(() => {});
    expect(await callsByOutcome(b.reader, 'global')).toEqual({ success: 3, failure: 1, rejected: 0 });
    // The replaced SDK still reports what was counted while it was registered, and no more.
    expect(await callsByOutcome(a.reader, 'global')).toEqual({ success: 2, failure: 0, rejected: 0 });

    // Shut down while registered: calls go on, nothing reaches the caller.
    diag.setLogger({ error() {}, warn() {}, info() {}, debug() {}, verbose() {} });
    await b.provider.shutdown();
    await expect(breaker.execute(ok)).resolves.toBe('ok');
    await expect(breaker.execute(boom)).rejects.toThrow('boom');

    // Registered again: its totals continue where they stopped (a cumulative counter never goes down).
    metrics.disable();
    metrics.setGlobalMeterProvider(a.provider);
    expect(await callsByOutcome(a.reader, 'global')).toEqual({ success: 2, failure: 0, rejected: 0 });
    await breaker.execute(ok);
    expect(await callsByOutcome(a.reader, 'global')).toEqual({ success: 3, failure: 0, rejected: 0 });
    await a.provider.shutdown();
  });

  it('sums breakers that share a name into one series, as the synchronous counter did', async () => {
    const a = sdk();
    const make = () => new CircuitBreaker({ telemetry: { meterProvider: a.provider } }); // both 'default'
    const one = make();
    const two = make();
    await one.execute(ok);
    await two.execute(ok);
    await two.execute(ok);
    expect(await callsByOutcome(a.reader, 'default')).toEqual({ success: 3, failure: 0, rejected: 0 });
    const held = one.tryAcquire() as Permit;
    const heldToo = two.tryAcquire() as Permit;
    expect(await activeCalls(a.reader, 'default')).toBe(2);
    held.success();
    heldToo.success();
    expect(await activeCalls(a.reader, 'default')).toBe(0);
    expect(await callsByOutcome(a.reader, 'default')).toEqual({ success: 5, failure: 0, rejected: 0 });
    await a.provider.shutdown();
  });

  it('keeps counting the calls of a breaker its registry removed, while it is still used', async () => {
    const a = sdk();
    const registry = new BreakerRegistry({ telemetry: { meterProvider: a.provider } });
    const kept = registry.get('kept');
    await kept.execute(ok);
    expect(await callsByOutcome(a.reader, 'kept')).toMatchObject({ success: 1 });
    registry.remove('kept');
    await kept.execute(ok);
    await kept.execute(ok);
    expect(await callsByOutcome(a.reader, 'kept')).toMatchObject({ success: 3 });
    await a.provider.shutdown();
  });
});
