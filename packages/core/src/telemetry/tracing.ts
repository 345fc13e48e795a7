import {
  type Attributes,
  type Context,
  type Link,
  type SpanContext,
  SpanKind,
  SpanStatusCode,
  type Tracer,
  trace,
} from '@opentelemetry/api';
import {
  ATTR_ERROR_TYPE,
  ATTR_NAME,
  ATTR_OUTCOME,
  ATTR_RETRY_AFTER_MS,
  ATTR_STATE,
  OUTCOME_REJECTED,
  REJECT_DESCRIPTION_HALF_OPEN_FULL,
  REJECT_DESCRIPTION_OPEN,
  SPAN_REJECT,
  SPAN_TRANSITION,
} from './names.js';

/** @internal emits a finished transition span and returns its context (for reject links). */
export function emitTransitionSpan(
  tracer: Tracer,
  breakerName: string,
  attributes: Attributes,
  links: Link[] | undefined,
  parent: Context,
): SpanContext {
  const span = tracer.startSpan(
    `${SPAN_TRANSITION} ${breakerName}`,
    links === undefined
      ? { kind: SpanKind.INTERNAL, attributes }
      : { kind: SpanKind.INTERNAL, attributes, links },
    parent,
  );
  const spanContext = span.spanContext();
  span.end();
  return spanContext;
}

/** @internal emits a finished reject span, a child of `parent`, linked to the opening transition. */
export function emitRejectSpan(
  tracer: Tracer,
  breakerName: string,
  state: string,
  errorType: string,
  retryAfterMs: number,
  extra: Attributes | undefined,
  openedBy: SpanContext | undefined,
  parent: Context,
): void {
  const attributes: Attributes = {
    ...extra,
    [ATTR_NAME]: breakerName,
    [ATTR_STATE]: state,
    [ATTR_OUTCOME]: OUTCOME_REJECTED,
    [ATTR_ERROR_TYPE]: errorType,
  };
  // forced_open has no known end; an infinite number is not a valid attribute value.
  if (Number.isFinite(retryAfterMs)) attributes[ATTR_RETRY_AFTER_MS] = Math.ceil(retryAfterMs);
  const span = tracer.startSpan(
    `${SPAN_REJECT} ${breakerName}`,
    openedBy === undefined
      ? { kind: SpanKind.INTERNAL, attributes }
      : { kind: SpanKind.INTERNAL, attributes, links: [{ context: openedBy }] },
    parent,
  );
  span.setStatus({
    code: SpanStatusCode.ERROR,
    message: errorType === 'half_open_full' ? REJECT_DESCRIPTION_HALF_OPEN_FULL : REJECT_DESCRIPTION_OPEN,
  });
  span.end();
}

/** @internal the span context of the span in `ctx`, if it is a valid one. */
export function validSpanContext(ctx: Context): SpanContext | undefined {
  const sc = trace.getSpanContext(ctx);
  return sc !== undefined && trace.isSpanContextValid(sc) ? sc : undefined;
}
