import {
  type BatchObservableResult,
  type Counter,
  type Histogram,
  type MeterProvider,
  type ObservableCounter,
  type ObservableGauge,
  type ObservableUpDownCounter,
  ValueType,
} from '@opentelemetry/api';
import { VERSION } from '../version.js';
import { CallTally } from './call-tally.js';
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

/**
 * @internal The instruments of one meter provider, shared by every breaker that emits to it. Only the
 * duration histogram and the (rare) transitions are recorded synchronously; call counts, active calls,
 * status and failure rate are observed in one batch callback per provider.
 */
export interface Instruments {
  readonly provider: MeterProvider;
  readonly duration: Histogram;
  readonly transitions: Counter;
  readonly calls: ObservableCounter;
  readonly activeCalls: ObservableUpDownCounter;
  readonly status: ObservableUpDownCounter;
  readonly failureRate: ObservableGauge;
  /**
   * The call counts per breaker name on this provider. They stay with the provider, as the synchronous
   * series did: a provider replaced later still reports what was counted for it.
   */
  readonly tallies: Map<string, CallTally>;
}

/** @internal what the per-provider batch callback asks of each live breaker. */
export interface StatusSource {
  observeStatus(instruments: Instruments, result: BatchObservableResult): void;
}

/** @internal the call counts of breakers named `name` on the provider of `instruments`. */
export function tallyFor(instruments: Instruments, name: string): CallTally {
  let tally = instruments.tallies.get(name);
  if (tally === undefined) {
    tally = new CallTally(name);
    instruments.tallies.set(name, tally);
  }
  return tally;
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
    calls: meter.createObservableCounter(METRIC_CALLS, {
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
    activeCalls: meter.createObservableUpDownCounter(METRIC_ACTIVE_CALLS, {
      unit: '{call}',
      description: 'Calls admitted by circuit breakers and not finished yet.',
      valueType: ValueType.INT,
    }),
    status: meter.createObservableUpDownCounter(METRIC_STATUS, {
      unit: '1',
      description: 'Circuit breaker state: 1 for the current state, 0 for the others.',
      valueType: ValueType.INT,
    }),
    failureRate: meter.createObservableGauge(METRIC_FAILURE_RATE, {
      unit: '1',
      description:
        'Failure rate over the breaker window (0..1), for breakers with a rate rule and enough calls.',
    }),
    tallies: new Map(),
  };
  meter.addBatchObservableCallback(
    (result) => {
      for (const ref of live) {
        const source = ref.deref();
        if (source === undefined) live.delete(ref);
        else source.observeStatus(instruments, result);
      }
      for (const tally of instruments.tallies.values()) {
        tally.observe(result, instruments.calls, instruments.activeCalls);
      }
    },
    [instruments.calls, instruments.activeCalls, instruments.status, instruments.failureRate],
  );
  byProvider.set(provider, instruments);
  return instruments;
}
