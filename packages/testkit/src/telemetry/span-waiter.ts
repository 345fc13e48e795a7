import type { ReadableSpan, SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { deferred } from '../deferred.js';

type Match = (span: ReadableSpan) => boolean;

/** A span processor that resolves when a span with a given name ends in a given trace: no polling, no sleep. */
export class SpanWaiter implements SpanProcessor {
  readonly #waiters: Array<{ match: Match; resolve: (span: ReadableSpan) => void }> = [];
  readonly #ended: ReadableSpan[] = [];

  /** Resolves with the first span named `name` in trace `traceId`, ended already or later. */
  forSpan(name: string, traceId: string): Promise<ReadableSpan> {
    const match: Match = (s) => s.name === name && s.spanContext().traceId === traceId;
    const found = this.#ended.find(match);
    if (found !== undefined) return Promise.resolve(found);
    const d = deferred<ReadableSpan>();
    this.#waiters.push({ match, resolve: d.resolve });
    return d.promise;
  }
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.#ended.push(span);
    for (const w of this.#waiters) if (w.match(span)) w.resolve(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

/** A W3C `traceparent` header that starts a request in trace `traceId`. */
export const traceparent = (traceId: string): string => `00-${traceId}-${'1'.repeat(16)}-01`;

/** The span ids above `span` among `spans`, nearest first; fails if any leaves the span's trace. */
export function ancestorsOf(span: ReadableSpan, spans: readonly ReadableSpan[]): string[] {
  const byId = new Map(spans.map((s) => [s.spanContext().spanId, s]));
  const ids: string[] = [];
  for (let p = span.parentSpanContext; p !== undefined && ids.length < 10; ) {
    if (p.traceId !== span.spanContext().traceId)
      throw new Error(`span ${span.name} has a parent in another trace`);
    ids.push(p.spanId);
    p = byId.get(p.spanId)?.parentSpanContext;
  }
  return ids;
}
