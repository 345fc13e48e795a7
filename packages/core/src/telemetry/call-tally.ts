import type {
  Attributes,
  BatchObservableResult,
  ObservableCounter,
  ObservableUpDownCounter,
} from '@opentelemetry/api';
import type { CircuitState } from '../state.js';
import { ERROR_TYPE_CIRCUIT_OPEN, OUTCOME_FAILURE, OUTCOME_REJECTED, OUTCOME_SUCCESS } from './names.js';
import { SeriesAttributes } from './series-attributes.js';

/** One series of `tripswitch.breaker.calls`: its attributes, its count, and the count last handed over. */
interface CallSeries {
  readonly attributes: Attributes;
  count: number;
  /** -1 until first observed: a series made with no calls yet (the start series) is still reported once. */
  observed: number;
}

/**
 * @internal The calls made under one breaker name on one meter provider, kept as plain numbers and handed
 * to the SDK only when a reader collects (observable instruments, in the provider's batch callback). A
 * call costs an increment here instead of an SDK record, which hashes its attributes each time.
 *
 * Breakers with the same name share a tally, as they shared the synchronous instruments' series, and
 * only series that moved since the previous collection are observed. Both keep the export identical to
 * the synchronous Counter and UpDownCounter this replaces: with delta temporality a series with no calls
 * in an interval is absent (the SDK keeps the last observed total to diff against), with cumulative
 * temporality it keeps its total. The SDK keeps one store per instrument for all its readers, so a
 * second reader still receives what the first reader's collection observed.
 */
export class CallTally {
  private readonly attrs: SeriesAttributes;
  private readonly byAttributes = new Map<Attributes, CallSeries>();
  /** The series of successes in the closed state (also in `byAttributes`). */
  private readonly closedSuccess: CallSeries;
  /** Calls admitted and not settled, counted as the UpDownCounter was (+1 on admission, -1 on settle). */
  private active = 0;
  /** Admissions plus settlements; `active_calls` is observed when this moved since the last collection. */
  private activity = 0;
  private observedActivity = 0;

  constructor(breakerName: string) {
    this.attrs = new SeriesAttributes(breakerName);
    // Reported from the first collection on, before any call: rates over them are 0 rather than missing.
    this.closedSuccess = this.series(this.attrs.call(OUTCOME_SUCCESS, 'closed', undefined));
    this.series(this.attrs.call(OUTCOME_FAILURE, 'closed', undefined));
    this.series(this.attrs.call(OUTCOME_REJECTED, 'open', ERROR_TYPE_CIRCUIT_OPEN));
  }

  admitted(): void {
    this.active++;
    this.activity++;
  }

  /** Counts a settled call (`outcome` is a `tripswitch.breaker.outcome` value). */
  settled(outcome: string, state: CircuitState, errorType: string | undefined): void {
    this.active--;
    this.activity++;
    // The call of nearly every settle, counted without a lookup.
    if (outcome === OUTCOME_SUCCESS && state === 'closed') this.closedSuccess.count++;
    else this.count(this.attrs.call(outcome, state, errorType));
  }

  rejected(state: CircuitState, kind: string): void {
    this.count(this.attrs.call(OUTCOME_REJECTED, state, kind));
  }

  /** Reports what moved since the last collection. */
  observe(result: BatchObservableResult, calls: ObservableCounter, active: ObservableUpDownCounter): void {
    for (const s of this.byAttributes.values()) {
      if (s.count === s.observed) continue;
      s.observed = s.count;
      result.observe(calls, s.count, s.attributes);
    }
    if (this.activity !== this.observedActivity) {
      this.observedActivity = this.activity;
      result.observe(active, this.active, this.attrs.name);
    }
  }

  private count(attributes: Attributes): void {
    (this.byAttributes.get(attributes) ?? this.series(attributes)).count++;
  }

  private series(attributes: Attributes): CallSeries {
    const s: CallSeries = { attributes, count: 0, observed: -1 };
    this.byAttributes.set(attributes, s);
    return s;
  }
}
