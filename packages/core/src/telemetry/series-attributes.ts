import type { Attributes } from '@opentelemetry/api';
import { CircuitState } from '../state.js';
import {
  ATTR_ERROR_TYPE,
  ATTR_NAME,
  ATTR_OUTCOME,
  ATTR_STATE,
  ERROR_TYPE_OTHER,
  OUTCOME_SUCCESS,
} from './names.js';

const STATES: readonly CircuitState[] = Object.values(CircuitState);
/** Distinct `error.type` values kept per breaker; more become `_OTHER`, so odd codes cannot blow up cardinality. */
const MAX_ERROR_TYPES = 100;
/** Distinct `tripswitch.breaker.origin` values kept per breaker on counts; more become `_OTHER`. */
const MAX_ORIGINS = 100;

interface Recent {
  readonly outcome: string;
  readonly state: string;
  readonly errorType: string | undefined;
  readonly attrs: Attributes;
}

/**
 * @internal The attribute objects of one breaker's metric series, made once per series and reused, so
 * recording costs no allocation and the SDK sees the same object each time. Created only when a breaker
 * first emits to a real provider: a breaker with no SDK around pays nothing for it.
 */
export class SeriesAttributes {
  readonly name: Attributes;
  private status: Attributes[] | undefined;
  private readonly success: Array<Attributes | undefined> = [];
  private successDuration: Attributes | undefined;
  private readonly byKey = new Map<string, Attributes>();
  private readonly errorTypes = new Set<string>();
  /** The series asked for last (failures come in runs of the same error type): no key to build for it. */
  private lastCall: Recent | undefined;
  private lastDuration: Recent | undefined;
  private readonly origins = new Set<string>();

  constructor(private readonly breakerName: string) {
    this.name = { [ATTR_NAME]: breakerName };
  }

  /** `{ name, state }` for each state, in {@link CircuitState} order. */
  statuses(): Attributes[] {
    this.status ??= STATES.map((state) => ({ [ATTR_NAME]: this.breakerName, [ATTR_STATE]: state }));
    return this.status;
  }

  /** The series of `tripswitch.breaker.calls`. */
  call(outcome: string, state: string, errorType: string | undefined): Attributes {
    if (outcome === OUTCOME_SUCCESS) {
      const i = STATES.indexOf(state as CircuitState);
      let attrs = this.success[i];
      if (attrs === undefined) {
        attrs = { [ATTR_NAME]: this.breakerName, [ATTR_OUTCOME]: outcome, [ATTR_STATE]: state };
        this.success[i] = attrs;
      }
      return attrs;
    }
    const last = this.lastCall;
    if (
      last !== undefined &&
      last.outcome === outcome &&
      last.state === state &&
      last.errorType === errorType
    ) {
      return last.attrs;
    }
    const et = errorType === undefined ? undefined : this.bounded(errorType);
    const attrs = this.get(`c\0${outcome}\0${state}\0${et ?? ''}`, () => {
      const attrs: Attributes = {
        [ATTR_NAME]: this.breakerName,
        [ATTR_OUTCOME]: outcome,
        [ATTR_STATE]: state,
      };
      if (et !== undefined) attrs[ATTR_ERROR_TYPE] = et;
      return attrs;
    });
    this.lastCall = { outcome, state, errorType, attrs };
    return attrs;
  }

  /** The series of `tripswitch.breaker.call.duration`. */
  duration(outcome: string, errorType: string | undefined): Attributes {
    if (outcome === OUTCOME_SUCCESS) {
      this.successDuration ??= { [ATTR_NAME]: this.breakerName, [ATTR_OUTCOME]: OUTCOME_SUCCESS };
      return this.successDuration;
    }
    const last = this.lastDuration;
    if (last !== undefined && last.outcome === outcome && last.errorType === errorType) return last.attrs;
    const et = errorType === undefined ? undefined : this.bounded(errorType);
    const attrs = this.get(`d\0${outcome}\0${et ?? ''}`, () => {
      const attrs: Attributes = { [ATTR_NAME]: this.breakerName, [ATTR_OUTCOME]: outcome };
      if (et !== undefined) attrs[ATTR_ERROR_TYPE] = et;
      return attrs;
    });
    this.lastDuration = { outcome, state: '', errorType, attrs };
    return attrs;
  }

  /** Any other series, by a key the caller makes unique. */
  get(key: string, make: () => Attributes): Attributes {
    let attrs = this.byKey.get(key);
    if (attrs === undefined) {
      attrs = make();
      this.byKey.set(key, attrs);
    }
    return attrs;
  }

  /** `origin`, or `_OTHER` once the breaker has seen {@link MAX_ORIGINS} others (replicas come and go). */
  origin(origin: string): string {
    if (this.origins.has(origin)) return origin;
    if (this.origins.size >= MAX_ORIGINS) return ERROR_TYPE_OTHER;
    this.origins.add(origin);
    return origin;
  }

  private bounded(errorType: string): string {
    if (this.errorTypes.has(errorType)) return errorType;
    if (this.errorTypes.size >= MAX_ERROR_TYPES) return ERROR_TYPE_OTHER;
    this.errorTypes.add(errorType);
    return errorType;
  }
}
