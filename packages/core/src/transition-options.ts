import type { SpanContext } from '@opentelemetry/api';
import type { Permit } from './permit.js';
import type { TransitionReason } from './state.js';

/** Options of `CircuitBreaker.openFor()` and `CircuitBreaker.close()`. */
export interface TransitionOptions {
  /** The transition reason; `manual` unless given (the Axios adapter passes `retry_after`, fleet coordination `remote`). */
  readonly reason?: TransitionReason;
  /**
   * The permit of the call that asked for it (an upstream's `Retry-After`): the transition span is then
   * its child, as for a trip by a rule. Ignored by `close()`.
   */
  readonly cause?: Permit;
  /**
   * Who decided, when the decision came from elsewhere (another replica's breaker): set as the
   * `tripswitch.breaker.origin` attribute of the transition span and count.
   */
  readonly origin?: string;
  /** A span the transition span links to: the transition span of the replica where it was decided. */
  readonly link?: SpanContext;
}
