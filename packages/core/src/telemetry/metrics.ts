import {
  type BatchObservableResult,
  type Counter,
  type Histogram,
  type MeterProvider,
  type MetricOptions,
  type ObservableCounter,
  type ObservableGauge,
  type ObservableUpDownCounter,
  ValueType,
} from '@opentelemetry/api';
import { VERSION } from '../version.js';
import { CallTally } from './call-tally.js';
import * as names from './names.js';

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

/** What a dashboard shows beside each instrument. */
const DESCRIPTIONS = {
  [names.METRIC_CALLS]:
    'Admission decisions and outcomes of calls through circuit breakers, rejections included.',
  [names.METRIC_CALL_DURATION]: 'Duration of calls admitted by circuit breakers.',
  [names.METRIC_TRANSITIONS]: 'Circuit breaker state changes.',
  [names.METRIC_ACTIVE_CALLS]: 'Calls admitted by circuit breakers and not finished yet.',
  [names.METRIC_STATUS]: 'Circuit breaker state: 1 for the current state, 0 for the others.',
  [names.METRIC_FAILURE_RATE]:
    'Failure rate over the breaker window (0..1), for breakers with a rate rule and enough calls.',
} as const;

/** Counts: calls, transitions, active calls, and the 0/1 status. */
const INTEGER: MetricOptions = { valueType: ValueType.INT };
const DURATION_BUCKETS: MetricOptions = {
  advice: { explicitBucketBoundaries: [...names.DURATION_BUCKETS_S] },
};

/** The arguments that create instrument `name`: the name, then its unit, its description and `extra`. */
function spec(
  name: keyof typeof DESCRIPTIONS,
  unit: string,
  extra?: MetricOptions,
): [name: string, options: MetricOptions] {
  return [name, { unit, description: DESCRIPTIONS[name], ...extra }];
}

/**
 * @internal The instruments for `provider`, created on first use together with one batch callback that
 * reports the status of every live breaker emitting to this provider.
 */
export function instrumentsFor(provider: MeterProvider): Instruments {
  const existing = byProvider.get(provider);
  if (existing !== undefined) return existing;
  const meter = provider.getMeter(names.INSTRUMENTATION_SCOPE, VERSION);
  const instruments: Instruments = {
    provider,
    calls: meter.createObservableCounter(...spec(names.METRIC_CALLS, '{call}', INTEGER)),
    duration: meter.createHistogram(...spec(names.METRIC_CALL_DURATION, 's', DURATION_BUCKETS)),
    transitions: meter.createCounter(...spec(names.METRIC_TRANSITIONS, '{transition}', INTEGER)),
    activeCalls: meter.createObservableUpDownCounter(...spec(names.METRIC_ACTIVE_CALLS, '{call}', INTEGER)),
    status: meter.createObservableUpDownCounter(...spec(names.METRIC_STATUS, '1', INTEGER)),
    failureRate: meter.createObservableGauge(...spec(names.METRIC_FAILURE_RATE, '1')),
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
