import {
  type Attributes,
  type BatchObservableResult,
  type Context,
  context,
  diag,
  type Link,
  metrics,
  type Span,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  TraceFlags,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import type { RejectionKind } from '../errors.js';
import type { RejectionSpans, TelemetryOptions } from '../options.js';
import { type BreakerPermit, FAILURE, type Outcome } from '../permit.js';
import type { DecisionNumbers } from '../policies/trip-decision.js';
import { CircuitState, type TransitionReason } from '../state.js';
import type { TransitionOptions } from '../transition-options.js';
import { VERSION } from '../version.js';
import type { CallTally } from './call-tally.js';
import { type Instruments, instrumentsFor, type StatusSource, tallyFor, track, untrack } from './metrics.js';
import {
  ATTR_CONSECUTIVE_FAILURES,
  ATTR_ERROR_TYPE,
  ATTR_FAILURE_RATE,
  ATTR_NAME,
  ATTR_ORIGIN,
  ATTR_OUTCOME,
  ATTR_PREVIOUS_STATE,
  ATTR_REASON,
  ATTR_SLOW_CALL_RATE,
  ATTR_STATE,
  ATTR_THRESHOLD,
  ATTR_TRIAL,
  ERROR_TYPE_OTHER,
  ERROR_TYPE_TIMEOUT,
  INSTRUMENTATION_SCOPE,
  MAX_FAILURE_LINKS,
  OUTCOME_FAILURE,
  OUTCOME_IGNORED,
  OUTCOME_SUCCESS,
  SPAN_CALL,
} from './names.js';
import { SeriesAttributes } from './series-attributes.js';
import { emitRejectSpan, emitTransitionSpan, validSpanContext } from './tracing.js';

/** @internal what telemetry reads from its breaker (a narrow view: the breaker's parts never import it). */
export interface TelemetrySubject {
  readonly name: string;
  /** The state without performing a due transition. */
  _peekState(): CircuitState;
  /** The failure rate as a 0..1 ratio, or null without a window or enough calls. */
  _failureRatio(): number | null;
}

/** Where @opentelemetry/api keeps its globals; read directly only to notice that an SDK was registered. */
const OTEL_GLOBAL = Symbol.for('opentelemetry.js.api.1');
const STATES = Object.values(CircuitState);
const OUTCOMES: readonly [string, string, string] = [OUTCOME_SUCCESS, OUTCOME_FAILURE, OUTCOME_IGNORED];
/** Admissions between two looks at the global providers: an SDK registered later is used within this many calls. */
const RECHECK_EVERY = 63;
const NOT_SEEN: unique symbol = Symbol('not seen');

/** @internal the `error.type` of a failure: a number is an HTTP status; else the error's code or class. */
export function errorTypeOf(error: unknown): string {
  if (typeof error === 'number') return String(error);
  if (typeof error === 'object' && error !== null) {
    const code = (error as { code?: unknown }).code;
    if (code === 'CALL_TIMEOUT') return ERROR_TYPE_TIMEOUT;
    if ((typeof code === 'string' && code !== '') || typeof code === 'number') return String(code);
    const ctor = (error as { constructor?: { name?: unknown } }).constructor;
    if (typeof ctor?.name === 'string' && ctor.name !== '' && ctor.name !== 'Object') return ctor.name;
  }
  return ERROR_TYPE_OTHER;
}

/**
 * @internal The telemetry of one breaker: spans and metrics for its calls, rejections and transitions.
 * Providers are looked up lazily, so an SDK registered after the breaker was created is still used.
 * Every entry point is guarded: a broken provider or exporter is reported once through `diag` and never
 * reaches the call.
 */
export class BreakerTelemetry implements StatusSource {
  private readonly ref: WeakRef<StatusSource>;
  private seenMetrics: unknown = NOT_SEEN;
  private seenTrace: unknown = NOT_SEEN;
  private instruments: Instruments | undefined;
  /** The call counts of this breaker's name on the current meter provider (set with `instruments`). */
  private tally: CallTally | undefined;
  private tracer: Tracer | undefined;
  /** Whether anything is listening: an explicit provider, or an SDK registered globally. */
  private live = false;
  private traceLive = false;
  private failureLinks: SpanContext[] | undefined;
  private openedBy: SpanContext | undefined;
  private reported = false;
  private untilRecheck = RECHECK_EVERY;
  /** Set when a registry removed the breaker: the next status report is all zeros, then it is untracked. */
  private retiring = false;
  /** Made when the breaker first emits to a real provider. */
  private attrs: SeriesAttributes | undefined;
  private readonly rejectionSpans: RejectionSpans;
  /** With `rejectionSpans: 'first'`: whether this open (or half_open) period has had its reject span. */
  private rejectSpanned = false;

  constructor(
    private readonly breaker: TelemetrySubject,
    private readonly options: TelemetryOptions,
    private readonly traceCalls: boolean,
  ) {
    this.rejectionSpans = options.rejectionSpans ?? 'first';
    this.ref = track(this);
    // With an SDK around, this registers the breaker for `tripswitch.breaker.status` before its first
    // call; without one it creates nothing (no tracer, instruments or attribute objects).
    this.refresh();
  }

  private series(): SeriesAttributes {
    this.attrs ??= new SeriesAttributes(this.breaker.name);
    return this.attrs;
  }

  /**
   * True when spans or metrics go anywhere; the breaker times its calls only then. On the call path the
   * global providers are re-checked every {@link RECHECK_EVERY} admissions (rejections, transitions and
   * metric collections re-check every time), which keeps the no-SDK cost to a decrement.
   */
  active(): boolean {
    if (--this.untilRecheck < 0) {
      this.untilRecheck = RECHECK_EVERY;
      this.refresh();
    }
    return this.live;
  }

  /** Runs `fn` inside the permit's call span. */
  runInCall<T>(
    permit: BreakerPermit,
    fn: (signal: AbortSignal | undefined) => T,
    signal: AbortSignal | undefined,
  ): T {
    return context.with(permit.ctx as Context, fn, undefined, signal);
  }

  admitted(permit: BreakerPermit): void {
    if (!this.live) return;
    try {
      const ctx = context.active();
      permit.ctx = ctx;
      this.tally?.admitted();
      if (this.traceCalls && this.traceLive && this.tracer !== undefined) {
        const attributes: Attributes = {
          ...permit.attributes,
          [ATTR_NAME]: this.breaker.name,
          [ATTR_STATE]: permit.state,
        };
        if (permit.trial) attributes[ATTR_TRIAL] = true;
        const span = this.tracer.startSpan(
          `${SPAN_CALL} ${this.breaker.name}`,
          { kind: SpanKind.INTERNAL, attributes },
          ctx,
        );
        permit.span = span;
        permit.ctx = trace.setSpan(ctx, span);
      }
    } catch (error) {
      this.report(error);
    }
  }

  settled(permit: BreakerPermit, outcome: Outcome, error: unknown, durationMs: number): void {
    // A permit without ctx was admitted before telemetry was live: it was never counted.
    if (!this.live || permit.ctx === undefined) return;
    try {
      const inst = this.instruments;
      const tally = this.tally;
      const errorType = outcome === FAILURE ? errorTypeOf(error) : undefined;
      if (inst !== undefined && tally !== undefined) {
        tally.settled(OUTCOMES[outcome], permit.state, errorType);
        // The one SDK record of a call: the histogram has to see every value.
        if (!Number.isNaN(durationMs)) {
          inst.duration.record(durationMs / 1000, this.series().duration(OUTCOMES[outcome], errorType));
        }
      }
      if (outcome === FAILURE) {
        const sc = validSpanContext(permit.ctx as Context);
        if (sc !== undefined) {
          this.failureLinks ??= [];
          if (this.failureLinks.push(sc) > MAX_FAILURE_LINKS) this.failureLinks.shift();
        }
      }
      const span = permit.span as Span | undefined;
      if (span !== undefined) {
        span.setAttribute(ATTR_OUTCOME, OUTCOMES[outcome]);
        if (errorType !== undefined) {
          span.setAttribute(ATTR_ERROR_TYPE, errorType);
          span.setStatus({ code: SpanStatusCode.ERROR, message: errorType });
          if (error instanceof Error) span.recordException(error);
        }
        span.end();
      }
    } catch (e) {
      this.report(e);
    }
  }

  rejected(
    state: CircuitState,
    kind: RejectionKind,
    retryAfterMs: number,
    attributes: Attributes | undefined,
  ): void {
    this.refresh();
    if (!this.live) return;
    try {
      this.tally?.rejected(state, kind);
      if (this.traceLive && this.tracer !== undefined && this.rejectionSpans !== 'none') {
        const parent = context.active();
        if (this.rejectionSpans === 'all' || !this.rejectSpanned || isSampled(parent)) {
          this.rejectSpanned = true;
          emitRejectSpan(
            this.tracer,
            this.breaker.name,
            state,
            kind,
            retryAfterMs,
            attributes,
            this.openedBy,
            parent,
          );
        }
      }
    } catch (e) {
      this.report(e);
    }
  }

  transition(
    from: CircuitState,
    to: CircuitState,
    reason: TransitionReason,
    cause: BreakerPermit | undefined,
    numbers: DecisionNumbers | undefined,
    remote: TransitionOptions | undefined,
  ): SpanContext | undefined {
    this.refresh();
    const opening = to === 'open' || to === 'forced_open';
    this.rejectSpanned = false;
    let spanContext: SpanContext | undefined;
    if (this.live) {
      try {
        const attributes: Attributes = {
          [ATTR_NAME]: this.breaker.name,
          [ATTR_STATE]: to,
          [ATTR_PREVIOUS_STATE]: from,
          [ATTR_REASON]: reason,
        };
        const origin = remote?.origin;
        if (origin !== undefined) attributes[ATTR_ORIGIN] = origin;
        if (this.instruments !== undefined) {
          const series = this.series();
          const counted = origin === undefined ? undefined : series.origin(origin);
          this.instruments.transitions.add(
            1,
            series.get(`t\0${to}\0${from}\0${reason}\0${counted ?? ''}`, () =>
              counted === origin ? attributes : { ...attributes, [ATTR_ORIGIN]: counted },
            ),
          );
        }
        if (this.traceLive && this.tracer !== undefined) {
          const spanAttributes: Attributes = { ...attributes };
          if (numbers?.consecutiveFailures !== undefined)
            spanAttributes[ATTR_CONSECUTIVE_FAILURES] = numbers.consecutiveFailures;
          if (numbers?.failureRate !== undefined) spanAttributes[ATTR_FAILURE_RATE] = numbers.failureRate;
          if (numbers?.slowCallRate !== undefined) spanAttributes[ATTR_SLOW_CALL_RATE] = numbers.slowCallRate;
          if (numbers !== undefined) spanAttributes[ATTR_THRESHOLD] = numbers.threshold;
          let links: Link[] | undefined =
            opening && this.failureLinks !== undefined
              ? this.failureLinks.map((sc) => ({ context: sc }))
              : undefined;
          if (remote?.link !== undefined) links = [...(links ?? []), { context: remote.link }];
          const parent = (cause?.ctx as Context | undefined) ?? context.active();
          spanContext = emitTransitionSpan(this.tracer, this.breaker.name, spanAttributes, links, parent);
          if (opening) this.openedBy = spanContext;
        }
      } catch (e) {
        this.report(e);
      }
    }
    // Links describe what led to this open; the next open collects its own.
    if (opening || to === 'closed') this.failureLinks = undefined;
    if (to === 'closed' || to === 'disabled') this.openedBy = undefined;
    return spanContext;
  }

  /** Called by the batch callback of the provider `inst` belongs to, once per collection. */
  observeStatus(inst: Instruments, result: BatchObservableResult): void {
    try {
      this.refresh();
      if (this.instruments !== inst) return;
      const state = this.retiring ? undefined : this.breaker._peekState();
      const series = this.series();
      const statuses = series.statuses();
      for (let i = 0; i < STATES.length; i++) {
        result.observe(inst.status, STATES[i] === state ? 1 : 0, statuses[i]);
      }
      if (this.retiring) {
        untrack(this.ref);
        return;
      }
      const rate = this.breaker._failureRatio();
      if (rate !== null) result.observe(inst.failureRate, rate, series.name);
    } catch (e) {
      this.report(e);
    }
  }

  /**
   * Stops reporting this breaker's status (its registry removed it). The next collection reports 0 for
   * every state once: cumulative exporters keep a series' last value after it stops being observed, and
   * a removed breaker must not keep counting as open. Its calls stay counted under its name.
   */
  dispose(): void {
    if (this.instruments === undefined || this.seenMetrics === undefined) untrack(this.ref);
    else this.retiring = true;
  }

  /** Notices a global SDK registration (or removal) with two property reads; re-resolves on change. */
  private refresh(): void {
    const g = (globalThis as Record<symbol, { metrics?: unknown; trace?: unknown } | undefined>)[OTEL_GLOBAL];
    const m = this.options.meterProvider ?? g?.metrics;
    const t = this.options.tracerProvider ?? g?.trace;
    if (m === this.seenMetrics && t === this.seenTrace) return;
    this.seenMetrics = m;
    this.seenTrace = t;
    this.traceLive = t !== undefined;
    this.live = m !== undefined || this.traceLive;
    try {
      if (m === undefined) {
        this.instruments = undefined;
        this.tally = undefined;
      } else {
        const inst = instrumentsFor(this.options.meterProvider ?? metrics.getMeterProvider());
        this.instruments = inst;
        this.tally = tallyFor(inst, this.breaker.name);
      }
      this.tracer = this.traceLive
        ? (this.options.tracerProvider ?? trace.getTracerProvider()).getTracer(INSTRUMENTATION_SCOPE, VERSION)
        : undefined;
    } catch (e) {
      this.live = false;
      this.report(e);
    }
  }

  private report(error: unknown): void {
    if (this.reported) return;
    this.reported = true;
    try {
      diag.error(
        `tripswitch: telemetry of breaker "${this.breaker.name}" failed; the breaker keeps working (reported once)`,
        error,
      );
    } catch {
      // Nothing left to report to.
    }
  }
}

/** Whether `ctx` holds a span that is being sampled (a traced request). */
function isSampled(ctx: Context): boolean {
  const sc = trace.getSpanContext(ctx);
  return sc !== undefined && (sc.traceFlags & TraceFlags.SAMPLED) !== 0 && trace.isSpanContextValid(sc);
}

let globalUntilRecheck = 0;
let globalLive = false;

/**
 * @internal Whether an SDK is registered globally: re-read every {@link RECHECK_EVERY} calls across all
 * breakers, or at once with `now` (rejections and transitions, which are rarer than calls). Breakers
 * that emit to the global providers create their telemetry only once this is true, so without an SDK a
 * breaker carries no telemetry objects at all and its calls pay a shared decrement.
 */
export function globalTelemetryLive(now: boolean): boolean {
  if (now || --globalUntilRecheck < 0) {
    globalUntilRecheck = RECHECK_EVERY;
    const g = (globalThis as Record<symbol, { metrics?: unknown; trace?: unknown } | undefined>)[OTEL_GLOBAL];
    globalLive = g?.metrics !== undefined || g?.trace !== undefined;
  }
  return globalLive;
}
