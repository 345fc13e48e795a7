import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { context, propagation, trace } from '@opentelemetry/api';
import type { CircuitBreaker } from '../circuit-breaker.js';

/** What the control buttons do: each is a `manual` transition of the breaker. */
export type StatusAction = 'force_open' | 'close' | 'disable';

const ACTIONS: Readonly<Record<StatusAction, (breaker: CircuitBreaker<unknown>) => void>> = {
  force_open: (b) => b.forceOpen(),
  close: (b) => b.close(),
  disable: (b) => b.disable(),
};

/** True for the names of {@link StatusAction}. */
export function isStatusAction(value: unknown): value is StatusAction {
  return typeof value === 'string' && Object.hasOwn(ACTIONS, value);
}

/**
 * The per-page tokens the control buttons send back: a random nonce and its HMAC under a secret that
 * lives as long as the handler, so checking one needs no server-side store (and a restart voids them;
 * a page gets a fresh one with every stream it opens).
 */
export class ControlTokens {
  readonly #secret = randomBytes(32);

  /** A new token for one page. */
  issue(): string {
    const nonce = randomBytes(18).toString('base64url');
    return `${nonce}.${this.sign(nonce)}`;
  }

  /** Whether `token` was issued by this handler. */
  verify(token: unknown): boolean {
    if (typeof token !== 'string') return false;
    const dot = token.indexOf('.');
    if (dot <= 0) return false;
    const given = Buffer.from(token.slice(dot + 1));
    const expected = Buffer.from(this.sign(token.slice(0, dot)));
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  private sign(nonce: string): string {
    return createHmac('sha256', this.#secret).update(nonce).digest('base64url');
  }
}

function first(value: string | string[] | undefined): string | undefined {
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Whether a request comes from a page of this origin: `Sec-Fetch-Site: same-origin` where the browser
 * sends it (all current ones do), else an `Origin` whose host is the request's `Host` (or the
 * `X-Forwarded-Host` a proxy set). A request with neither is refused.
 */
export function isSameOrigin(req: IncomingMessage): boolean {
  const site = first(req.headers['sec-fetch-site']);
  if (site !== undefined) return site === 'same-origin';
  const origin = first(req.headers.origin);
  if (origin === undefined || origin === 'null') return false;
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return false;
  }
  const forwarded = first(req.headers['x-forwarded-host'])?.split(',')[0]?.trim();
  return host === req.headers.host || (forwarded !== undefined && host === forwarded);
}

/**
 * Applies `action` to `breaker` in the acting request's trace: the active context when the server is
 * instrumented (the request's span), else the `traceparent` the request carries. The transition span,
 * reason `manual`, is then part of that trace.
 */
export function applyAction(
  breaker: CircuitBreaker<unknown>,
  action: StatusAction,
  req: IncomingMessage,
): void {
  const active = context.active();
  const ctx = trace.getSpan(active) !== undefined ? active : propagation.extract(active, req.headers);
  context.with(ctx, ACTIONS[action], undefined, breaker);
}
