import type { SpanContext } from '@opentelemetry/api';
import type { CircuitOpenError } from './errors.js';
import type { SafeHook } from './safe-hook.js';
import type { CircuitState, TransitionReason } from './state.js';

/** Payload of `stateChange`. */
export interface StateChangeEvent {
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
  /** The transition span's context, when the transition was traced (fleet coordination sends it along). */
  readonly spanContext?: SpanContext;
}

/** Payload of `success`. */
export interface SuccessEvent {
  /** Call duration in ms (`NaN` when the breaker does not time its calls). */
  readonly durationMs: number;
  /** The state the call was admitted in. */
  readonly state: CircuitState;
}

/** Payload of `failure`. */
export interface FailureEvent {
  /** What the call threw (or, for a result judged a failure by `isResultFailure`, what it returned). */
  readonly error: unknown;
  readonly durationMs: number;
  readonly state: CircuitState;
}

/** Payload of `ignored`. */
export interface IgnoredEvent {
  /** The error that was ignored, or `undefined` when the permit was released with `ignore()`. */
  readonly error: unknown;
  readonly state: CircuitState;
}

/** Payload of `reject`. */
export interface RejectEvent {
  readonly error: CircuitOpenError;
}

/** Payload of `timeout`. */
export interface TimeoutEvent {
  readonly timeoutMs: number;
}

/** Every event a breaker emits, by name. */
export interface BreakerEventMap {
  stateChange: StateChangeEvent;
  success: SuccessEvent;
  failure: FailureEvent;
  ignored: IgnoredEvent;
  reject: RejectEvent;
  timeout: TimeoutEvent;
}

/** The name of a breaker event. */
export type BreakerEventName = keyof BreakerEventMap;

/**
 * What threw, as passed to `onListenerError`: an event's listener, one of the judging hooks, the `trialGate` of a coordinated breaker, the `clock`
 * (a `now()` that threw while a call settled), or a hook of an adapter (`onReject`, `key`, …), by its
 * option name.
 */
export type ListenerErrorSource =
  | BreakerEventName
  | 'isFailure'
  | 'ignore'
  | 'isResultFailure'
  | 'clock'
  | 'trialGate'
  | (string & {});

/** A listener for event `E`. */
export type BreakerListener<E extends BreakerEventName> = (event: BreakerEventMap[E]) => void;

/** Removes the listener it was returned for; calling it again does nothing. */
export type Unsubscribe = () => void;

type ListenerTable = { [E in BreakerEventName]: Array<BreakerListener<E>> | undefined };

const EVENT_NAMES: readonly BreakerEventName[] = [
  'stateChange',
  'success',
  'failure',
  'ignored',
  'reject',
  'timeout',
];

/**
 * @internal Typed listener lists. `has()` is a field read, so a breaker without listeners pays nothing
 * (not even the payload allocation) on its hot path.
 */
export class BreakerEmitter {
  private readonly table: ListenerTable = {
    stateChange: undefined,
    success: undefined,
    failure: undefined,
    ignored: undefined,
    reject: undefined,
    timeout: undefined,
  };

  constructor(private readonly hooks: SafeHook) {}

  has(event: BreakerEventName): boolean {
    return this.table[event] !== undefined;
  }

  /** Whether any outcome event (success, failure, ignored) has a listener: the settle path asks it once. */
  outcomes = false;

  on<E extends BreakerEventName>(event: E, listener: BreakerListener<E>): Unsubscribe {
    if (!EVENT_NAMES.includes(event)) {
      throw new TypeError(`unknown event "${String(event)}"; expected one of ${EVENT_NAMES.join(', ')}`);
    }
    if (typeof listener !== 'function') {
      throw new TypeError(`listener for "${event}" must be a function, got ${typeof listener}`);
    }
    // Copy on write: a listener that unsubscribes during an emit does not disturb the loop.
    const current = this.table[event] as Array<BreakerListener<E>> | undefined;
    (this.table[event] as Array<BreakerListener<E>>) = current ? [...current, listener] : [listener];
    this.recount();
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      const list = this.table[event] as Array<BreakerListener<E>> | undefined;
      const i = list ? list.indexOf(listener) : -1;
      if (!list || i === -1) return;
      // Remove this subscription only: the same function subscribed twice has two disposers.
      const next = [...list.slice(0, i), ...list.slice(i + 1)];
      (this.table[event] as Array<BreakerListener<E>> | undefined) = next.length > 0 ? next : undefined;
      this.recount();
    };
  }

  private recount(): void {
    const t = this.table;
    this.outcomes = t.success !== undefined || t.failure !== undefined || t.ignored !== undefined;
  }

  emit<E extends BreakerEventName>(event: E, payload: BreakerEventMap[E]): void {
    const list = this.table[event] as Array<BreakerListener<E>> | undefined;
    if (list === undefined) return;
    for (const listener of list) this.hooks.call(event, listener, payload);
  }
}
