import { type ReceivedSpan, SPAN_KIND } from './otlp-receiver.js';

const REJECT = 'circuit_breaker.reject ';
const TRANSITION = 'circuit_breaker.transition ';
/** Opens decided by a rule link to the failing calls behind them (an `openFor` has no such calls). */
const RULE_REASONS = new Set(['consecutive_failures', 'failure_rate', 'slow_call_rate']);

export interface TraceChainReport {
  /** Rejections whose chain is complete: server span ⊃ reject → transition → failing requests. */
  readonly found: number;
  readonly problems: string[];
}

/**
 * Checks what a user clicks through in Jaeger: every rejection sits inside an HTTP server span's trace and
 * links to a transition span; every rule-decided open links to the spans of failing requests (requests
 * whose server span answered 5xx).
 */
export function checkTraceChain(spans: readonly ReceivedSpan[]): TraceChainReport {
  const byId = new Map(spans.map((s) => [s.spanId, s]));
  const serverOf = (span: ReceivedSpan): ReceivedSpan | undefined => {
    let current: ReceivedSpan | undefined = span;
    for (let depth = 0; current !== undefined && depth < 32; depth++) {
      if (current.kind === SPAN_KIND.SERVER) return current;
      current = current.parentSpanId === undefined ? undefined : byId.get(current.parentSpanId);
    }
    return undefined;
  };
  const status = (server: ReceivedSpan) =>
    Number(server.attributes['http.response.status_code'] ?? server.attributes['http.status_code']);
  const problems: string[] = [];

  const failingLinks = (transition: ReceivedSpan): boolean => {
    const ok =
      transition.links.length > 0 &&
      transition.links.every((link) => {
        const server = byId.get(link.spanId) && serverOf(byId.get(link.spanId)!);
        return server !== undefined && status(server) >= 500;
      });
    if (!ok)
      problems.push(
        `${transition.name} (${transition.attributes['tripswitch.breaker.reason']}) does not link only to failing requests`,
      );
    return ok;
  };
  const transitions = spans.filter((s) => s.name.startsWith(TRANSITION));
  const failingOk = new Map(
    transitions
      .filter((t) => t.attributes['tripswitch.breaker.state'] === 'open')
      .filter((t) => RULE_REASONS.has(String(t.attributes['tripswitch.breaker.reason'])))
      .map((t) => [t.spanId, failingLinks(t)]),
  );

  let found = 0;
  for (const reject of spans.filter((s) => s.name.startsWith(REJECT))) {
    const server = serverOf(reject);
    const transition = reject.links.length === 1 ? byId.get(reject.links[0]!.spanId) : undefined;
    if (server === undefined)
      problems.push(`${reject.name} ${reject.spanId} is not inside an HTTP server span`);
    if (transition === undefined || !transition.name.startsWith(TRANSITION)) {
      problems.push(`${reject.name} ${reject.spanId} does not link to a received transition span`);
    } else if (server !== undefined && failingOk.get(transition.spanId) === true) {
      found++;
    }
  }
  // One line per distinct problem is enough to debug, and keeps a failure readable.
  return { found, problems: [...new Set(problems)].slice(0, 10) };
}
