import {
  type BatchObservableResult,
  type Counter,
  type Histogram,
  type MeterProvider,
  type ObservableGauge,
  type ObservableUpDownCounter,
  type UpDownCounter,
  ValueType,
} from '@opentelemetry/api';
import { VERSION } from '../version.js';
import {
  DURATION_BUCKETS_S,
  INSTRUMENTATION_SCOPE,
  METRIC_ACTIVE_CALLS,
  METRIC_CALL_DURATION,
  METRIC_CALLS,
  METRIC_FAILURE_RATE,
  METRIC_STATUS,
  METRIC_TRANSITIONS,
} from './names.js';

/** @internal the instruments of one meter provider, shared by every breaker that emits to it. */
export interface Instruments {
  readonly provider: MeterProvider;
  readonly calls: Counter;
  readonly duration: Histogram;
  readonly transitions: Counter;
  readonly activeCalls: UpDownCounter;
}

/** @internal what the per-provider status callback asks of each live breaker. */
export interface StatusSource {
  observeStatus(
    provider: MeterProvider,
    result: BatchObservableResult,
    status: ObservableUpDownCounter,
    failureRate: ObservableGauge,
  ): void;
}

const byProvider = new WeakMap<MeterProvider, Instruments>();

/**
 * Every breaker with telemetry on, held weakly so that a breaker nobody references can be collected (and
 * then drops out of `tripswitch.breaker.status`).
 */
const live = new Set<WeakRef<StatusSource>>();
let pruneAt = 1024;

/** @internal adds a breaker's telemetry to the status report; returns the handle that {@link untrack} takes. */
export function track(source: StatusSource): WeakRef<StatusSource> {
  const ref = new WeakRef(source);
  live.add(ref);
  if (live.size >= pruneAt) {
    // Collected breakers leave dead refs behind; sweep them when the set has doubled since the last sweep.
    for (const r of live) if (r.deref() === undefined) live.delete(r);
    pruneAt = Math.max(1024, live.size * 2);
  }
  return ref;
}

/** @internal removes a breaker from the status report (a registry removed it). */
export function untrack(ref: WeakRef<StatusSource>): void {
  live.delete(ref);
}

/**
 * @internal The instruments for `provider`, created on first use together with one batch callback that
 * reports the status of every live breaker emitting to this provider.
 */
export function instrumentsFor(provider: MeterProvider): Instruments {
  const existing = byProvider.get(provider);
  if (existing !== undefined) return existing;
  const meter = provider.getMeter(INSTRUMENTATION_SCOPE, VERSION);
  const instruments: Instruments = {
    provider,
    calls: meter.createCounter(METRIC_CALLS, {
      unit: '{call}',
      description: 'Admission decisions and outcomes of calls through circuit breakers, rejections included.',
      valueType: ValueType.INT,
    }),
    duration: meter.createHistogram(METRIC_CALL_DURATION, {
      unit: 's',
      description: 'Duration of calls admitted by circuit breakers.',
      advice: { explicitBucketBoundaries: [...DURATION_BUCKETS_S] },
    }),
    transitions: meter.createCounter(METRIC_TRANSITIONS, {
      unit: '{transition}',
      description: 'Circuit breaker state changes.',
      valueType: ValueType.INT,
    }),
    activeCalls: meter.createUpDownCounter(METRIC_ACTIVE_CALLS, {
      unit: '{call}',
      description: 'Calls admitted by circuit breakers and not finished yet.',
      valueType: ValueType.INT,
    }),
  };
  const status = meter.createObservableUpDownCounter(METRIC_STATUS, {
    unit: '1',
    description: 'Circuit breaker state: 1 for the current state, 0 for the others.',
    valueType: ValueType.INT,
  });
  const failureRate = meter.createObservableGauge(METRIC_FAILURE_RATE, {
    unit: '1',
    description:
      'Failure rate over the breaker window (0..1), for breakers with a rate rule and enough calls.',
  });
  meter.addBatchObservableCallback(
    (result) => {
      for (const ref of live) {
        const source = ref.deref();
        if (source === undefined) live.delete(ref);
        else source.observeStatus(provider, result, status, failureRate);
      }
    },
    [status, failureRate],
  );
  byProvider.set(provider, instruments);
  return instruments;
}
