import { type SpanContext, TraceFlags } from '@opentelemetry/api';
import { ID_PATTERN } from './options.js';

/** The protocol version; a message of any other version is dropped. */
export const PROTOCOL_VERSION = 1;
/** Messages longer than this (in bytes) are dropped before they are parsed. */
export const MAX_MESSAGE_BYTES = 4096;
/** The longest breaker name a message may carry. */
export const MAX_NAME_LENGTH = 256;

/** A breaker opened by a local decision: open yours for `remainingMs`. */
export interface OpenMessage {
  readonly v: 1;
  readonly type: 'open';
  readonly name: string;
  readonly remainingMs: number;
  /** The local reason it opened with (`consecutive_failures`, `trial_failed`, …). */
  readonly reason: string;
  readonly origin: string;
  /** W3C traceparent of the origin's transition span, when it was traced. */
  readonly traceparent?: string;
}

/** The fleet's trial succeeded: close yours. */
export interface ClosedMessage {
  readonly v: 1;
  readonly type: 'closed';
  readonly name: string;
  readonly reason: 'trial_succeeded';
  readonly origin: string;
  readonly traceparent?: string;
}

/** A message of the coordination protocol. */
export type CoordinationMessage = OpenMessage | ClosedMessage;

/** Why a message was dropped: the `error.type` of the `dropped` count. */
export type DropReason = 'oversized' | 'malformed';

const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const REASON = /^[a-z0-9_]{1,64}$/;
const OPEN_KEYS = new Set(['v', 'type', 'name', 'remainingMs', 'reason', 'origin', 'traceparent']);
const CLOSED_KEYS = new Set(['v', 'type', 'name', 'reason', 'origin', 'traceparent']);

/** @internal the traceparent of a span context. */
export function toTraceparent(sc: SpanContext | undefined): string | undefined {
  if (sc === undefined) return undefined;
  return `00-${sc.traceId}-${sc.spanId}-${(sc.traceFlags & 0xff).toString(16).padStart(2, '0')}`;
}

/** @internal the remote span context of a valid traceparent (never the all-zero ids). */
export function fromTraceparent(value: string | undefined): SpanContext | undefined {
  const m = value === undefined ? null : TRACEPARENT.exec(value);
  if (m === null) return undefined;
  const [, traceId, spanId, flags] = m as unknown as [string, string, string, string];
  if (/^0+$/.test(traceId) || /^0+$/.test(spanId)) return undefined;
  return { traceId, spanId, traceFlags: Number.parseInt(flags, 16) & TraceFlags.SAMPLED, isRemote: true };
}

/**
 * Parses a message from the channel; anything that is not a well-formed message of this protocol
 * version is a {@link DropReason}. Names, origins and reasons are checked so that they are safe in
 * keys, attributes and logs; numbers must be finite and non-negative.
 */
export function parseMessage(raw: Buffer): CoordinationMessage | DropReason {
  if (raw.length > MAX_MESSAGE_BYTES) return 'oversized';
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return 'malformed';
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'malformed';
  const m = value as Record<string, unknown>;
  if (m.v !== PROTOCOL_VERSION) return 'malformed';
  if (typeof m.name !== 'string' || m.name.length === 0 || m.name.length > MAX_NAME_LENGTH)
    return 'malformed';
  if (typeof m.origin !== 'string' || !ID_PATTERN.test(m.origin)) return 'malformed';
  if (
    m.traceparent !== undefined &&
    (typeof m.traceparent !== 'string' || !TRACEPARENT.test(m.traceparent))
  ) {
    return 'malformed';
  }
  const keys = m.type === 'open' ? OPEN_KEYS : m.type === 'closed' ? CLOSED_KEYS : undefined;
  if (keys === undefined || Object.keys(m).some((k) => !keys.has(k))) return 'malformed';
  if (m.type === 'closed')
    return m.reason === 'trial_succeeded' ? (m as unknown as ClosedMessage) : 'malformed';
  const ms = m.remainingMs;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) return 'malformed';
  if (typeof m.reason !== 'string' || !REASON.test(m.reason) || m.reason === 'remote') return 'malformed';
  return m as unknown as OpenMessage;
}

/** @internal the JSON of a message, without an undefined traceparent. */
export function encodeMessage(message: CoordinationMessage): string {
  return JSON.stringify(message);
}
