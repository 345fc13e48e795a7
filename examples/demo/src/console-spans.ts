import { type Context, SpanKind } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-base';

const KEEP = 500;

interface TransitionInfo {
  readonly breaker: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly failingLinks: number;
}

/** Remembers at most `KEEP` entries, oldest dropped first. */
function remember<K, V>(map: Map<K, V>, key: K, value: V): void {
  map.set(key, value);
  if (map.size > KEEP) map.delete(map.keys().next().value as K);
}

const short = (id: string): string => id.slice(0, 8);
const attr = (span: ReadableSpan, key: string): string => String(span.attributes[key] ?? '?');

/**
 * The compact console view of traces, used when no OTLP endpoint is set: it counts spans, and for the
 * first rejection after each opening it prints the chain Jaeger would show: the request's server span →
 * the `circuit_breaker.reject` span inside it → its link to the `circuit_breaker.transition` span → that
 * span's links to the failing requests that tripped the breaker.
 */
export class ConsoleSpanView implements SpanProcessor {
  spans = 0;
  private readonly transitions = new Map<string, TransitionInfo>();
  private readonly explained = new Map<string, true>();
  /** Traces with a rejection waiting for their server span to end, by trace id. */
  private readonly pending = new Map<string, { breaker: string; transitionId: string }>();

  constructor(private readonly print: (line: string) => void) {}

  onStart(_span: Span, _context: Context): void {}

  onEnd(span: ReadableSpan): void {
    this.spans++;
    const { traceId, spanId } = span.spanContext();
    if (span.name.startsWith('circuit_breaker.transition ')) {
      remember(this.transitions, spanId, {
        breaker: attr(span, 'tripswitch.breaker.name'),
        from: attr(span, 'tripswitch.breaker.previous_state'),
        to: attr(span, 'tripswitch.breaker.state'),
        reason: attr(span, 'tripswitch.breaker.reason'),
        failingLinks: span.links.length,
      });
    } else if (span.name.startsWith('circuit_breaker.reject ')) {
      const transitionId = span.links[0]?.context.spanId;
      if (transitionId !== undefined && !this.explained.has(transitionId)) {
        remember(this.explained, transitionId, true);
        remember(this.pending, traceId, { breaker: attr(span, 'tripswitch.breaker.name'), transitionId });
      }
    } else if (span.kind === SpanKind.SERVER && this.pending.has(traceId)) {
      const { breaker, transitionId } = this.pending.get(traceId)!;
      this.pending.delete(traceId);
      const t = this.transitions.get(transitionId);
      const status =
        span.attributes['http.response.status_code'] ?? span.attributes['http.status_code'] ?? '?';
      const why =
        t === undefined
          ? `transition ${short(transitionId)}`
          : `transition ${short(transitionId)} (${t.from} → ${t.to}, ${t.reason}) → ${t.failingLinks} failing request(s)`;
      this.print(`trace ${short(traceId)}: ${span.name} ${status} ⊃ reject ${breaker} ⇢ ${why}`);
    }
  }

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
