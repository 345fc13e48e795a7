import { describe, expect, it } from 'vitest';
import { CircuitOpenError } from '../errors.js';
import { rejectionBody, rejectionResponse, retryAfterSeconds, toHttpError } from './rejection.js';

describe('retryAfterSeconds', () => {
  it('rounds up to whole seconds', () => {
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(26_100)).toBe(27);
  });

  it('is at least 1, so a half_open breaker with no free trial slot (0 ms) says 1', () => {
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(1)).toBe(1);
  });

  it('is null when the end is not known', () => {
    expect(retryAfterSeconds(Number.POSITIVE_INFINITY)).toBeNull();
    expect(retryAfterSeconds(Number.NaN)).toBeNull();
  });
});

describe('toHttpError and rejectionBody', () => {
  it('decorate an open circuit rejection with 503 and Retry-After', () => {
    const error = new CircuitOpenError('GET /a', 'open', 26_100, 'circuit_open');
    const decorated = toHttpError(error);
    expect(decorated).toBe(error);
    expect(decorated).toMatchObject({
      status: 503,
      statusCode: 503,
      retryAfter: 27,
      headers: { 'Retry-After': '27' },
    });
    expect(rejectionBody(error)).toEqual({ error: 'circuit_open', breaker: 'GET /a', retryAfter: 27 });
  });

  it('leave Retry-After out while forced open', () => {
    const error = new CircuitOpenError('GET /a', 'forced_open', Number.POSITIVE_INFINITY, 'circuit_open');
    expect(toHttpError(error)).toMatchObject({ status: 503, retryAfter: null, headers: {} });
    expect(rejectionBody(error)).toEqual({ error: 'circuit_open', breaker: 'GET /a', retryAfter: null });
  });
});

describe('rejectionResponse', () => {
  it('gives the status, the Retry-After header and the serialised body', () => {
    const open = new CircuitOpenError('GET /a', 'open', 1200, 'circuit_open');
    expect(rejectionResponse(open)).toEqual({
      status: 503,
      retryAfter: '2',
      body: '{"error":"circuit_open","breaker":"GET /a","retryAfter":2}',
    });
    const forced = new CircuitOpenError('GET /a', 'forced_open', Number.POSITIVE_INFINITY, 'circuit_open');
    expect(rejectionResponse(forced)).toEqual({
      status: 503,
      retryAfter: undefined,
      body: '{"error":"circuit_open","breaker":"GET /a","retryAfter":null}',
    });
  });

  it('reuses the last answer while the breaker and the seconds are the same, and only then', () => {
    const first = rejectionResponse(new CircuitOpenError('GET /b', 'open', 4100, 'circuit_open'));
    expect(rejectionResponse(new CircuitOpenError('GET /b', 'open', 4900, 'circuit_open'))).toBe(first);
    const later = rejectionResponse(new CircuitOpenError('GET /b', 'open', 3900, 'circuit_open'));
    expect(later).not.toBe(first);
    expect(later.retryAfter).toBe('4');
    const other = rejectionResponse(new CircuitOpenError('GET /c', 'open', 3900, 'circuit_open'));
    expect(JSON.parse(other.body).breaker).toBe('GET /c');
  });
});
