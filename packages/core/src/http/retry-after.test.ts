import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_RETRY_AFTER, parseRetryAfter } from './retry-after.js';

const NOW = Date.UTC(2030, 5, 1, 8, 0, 0);
const at = (ms: number) => new Date(ms).toUTCString();

describe('parseRetryAfter', () => {
  it('reads delay-seconds', () => {
    expect(parseRetryAfter('120', undefined, NOW)).toBe(120_000);
    expect(parseRetryAfter(' 7 ', undefined, NOW)).toBe(7000);
  });

  it("measures an HTTP date against the response's Date header, else against now", () => {
    // The server's clock is a minute behind ours: it means 150 s from its Date, not 90 s from ours.
    expect(parseRetryAfter(at(NOW + 90_000), at(NOW - 60_000), NOW)).toBe(150_000);
    expect(parseRetryAfter(at(NOW + 90_000), at(NOW), NOW + 3_600_000)).toBe(90_000);
    expect(parseRetryAfter(at(NOW + 90_000), undefined, NOW)).toBe(90_000);
    expect(parseRetryAfter(at(NOW + 90_000), 'not a date', NOW)).toBe(90_000);
    expect(parseRetryAfter('Sat Jun  1 08:01:00 2030', undefined, NOW)).toBe(60_000);
  });

  it('caps at maxMs, 10 minutes by default', () => {
    expect(DEFAULT_MAX_RETRY_AFTER).toBe(600_000);
    expect(parseRetryAfter('99999999999', undefined, NOW)).toBe(600_000);
    expect(parseRetryAfter(`1${'0'.repeat(400)}`, undefined, NOW)).toBe(600_000);
    expect(parseRetryAfter('86400', undefined, NOW, 3_600_000)).toBe(3_600_000);
    expect(parseRetryAfter(at(NOW + 86_400_000), undefined, NOW)).toBe(600_000);
    expect(parseRetryAfter('30', undefined, NOW, 3_600_000)).toBe(30_000);
  });

  it.each([
    ['missing', undefined],
    ['zero', '0'],
    ['negative', '-5'],
    ['fractional', '1.5'],
    ['text', 'later'],
    ['a loose date Date.parse accepts', 'soon 3000'],
    ['an ISO date', '2030-06-01T09:00:00Z'],
    ['a past date', at(NOW - 1000)],
    ['seconds with words', '120 seconds'],
  ])('gives undefined for a %s value', (_what, value) => {
    expect(parseRetryAfter(value, undefined, NOW)).toBeUndefined();
  });
});
