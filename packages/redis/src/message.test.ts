import { TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { encodeMessage, fromTraceparent, MAX_MESSAGE_BYTES, parseMessage, toTraceparent } from './message.js';

const open = {
  v: 1,
  type: 'open',
  name: 'payments',
  remainingMs: 5000,
  reason: 'failure_rate',
  origin: 'api-1',
} as const;
const parse = (value: unknown) =>
  parseMessage(Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)));

describe('parseMessage', () => {
  it('accepts the messages encodeMessage writes', () => {
    expect(parse(encodeMessage(open))).toEqual(open);
    const closed = { v: 1, type: 'closed', name: 'p', reason: 'trial_succeeded', origin: 'b' } as const;
    expect(parse(encodeMessage(closed))).toEqual(closed);
    const traced = { ...open, traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' };
    expect(parse(traced)).toEqual(traced);
  });

  it('says oversized before parsing anything longer than MAX_MESSAGE_BYTES', () => {
    expect(parse({ ...open, name: 'x'.repeat(MAX_MESSAGE_BYTES) })).toBe('oversized');
  });

  it.each([
    ['another version', { ...open, v: 2 }],
    ['a string version', { ...open, v: '1' }],
    ['no type', { ...open, type: undefined }],
    ['an unknown key', { ...open, hello: 1 }],
    ['a negative duration', { ...open, remainingMs: -5 }],
    ['a missing duration', { ...open, remainingMs: undefined }],
    ['reason remote (remote opens are never sent)', { ...open, reason: 'remote' }],
    ['a reason with other characters', { ...open, reason: 'a b' }],
    ['an empty name', { ...open, name: '' }],
    ['a non-string name', { ...open, name: 7 }],
    ['an origin with control characters', { ...open, origin: 'a\nb' }],
    ['an all-zero-free but malformed traceparent', { ...open, traceparent: '01-abc' }],
    [
      'a closed verdict with another reason',
      { v: 1, type: 'closed', name: 'p', reason: 'manual', origin: 'b' },
    ],
    ['an array', [open]],
  ])('drops %s as malformed', (_, value) => {
    expect(parse(value)).toBe('malformed');
  });

  it('drops text that is not JSON', () => {
    expect(parse('{"v":1,')).toBe('malformed');
    expect(parse('\u0000\u0001')).toBe('malformed');
  });
});

describe('traceparent', () => {
  it('round-trips a span context as a remote, sampled one', () => {
    const sc = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    };
    const tp = toTraceparent(sc);
    expect(tp).toBe('00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01');
    expect(fromTraceparent(tp)).toEqual({ ...sc, isRemote: true });
  });

  it('refuses all-zero ids and anything malformed', () => {
    expect(fromTraceparent(`00-${'0'.repeat(32)}-b7ad6b7169203331-01`)).toBeUndefined();
    expect(fromTraceparent('00-0af7651916cd43dd8448eb211c80319c-0000000000000000-01')).toBeUndefined();
    expect(fromTraceparent('garbage')).toBeUndefined();
    expect(fromTraceparent(undefined)).toBeUndefined();
  });
});
