import { describe, expect, it } from 'vitest';
import { parseHttpDate } from './http-date.js';

const NOV_6_1994 = Date.UTC(1994, 10, 6, 8, 49, 37);
const NOW_2026 = Date.UTC(2026, 0, 1);

describe('parseHttpDate', () => {
  it('reads the three RFC 9110 forms', () => {
    expect(parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT')).toBe(NOV_6_1994);
    expect(parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT', NOW_2026)).toBe(NOV_6_1994);
    expect(parseHttpDate('Sun Nov  6 08:49:37 1994')).toBe(NOV_6_1994);
    expect(parseHttpDate('Sun Nov 16 08:49:37 1994')).toBe(Date.UTC(1994, 10, 16, 8, 49, 37));
    expect(parseHttpDate('  Sun, 06 Nov 1994 08:49:37 GMT ')).toBe(NOV_6_1994);
  });

  it('reads a two-digit year more than 50 years ahead as the most recent past one', () => {
    expect(parseHttpDate('Monday, 01-Jan-30 00:00:00 GMT', NOW_2026)).toBe(Date.UTC(2030, 0, 1));
    expect(parseHttpDate('Monday, 01-Jan-76 00:00:00 GMT', NOW_2026)).toBe(Date.UTC(2076, 0, 1));
    expect(parseHttpDate('Monday, 01-Jan-77 00:00:00 GMT', NOW_2026)).toBe(Date.UTC(1977, 0, 1));
  });

  it.each([
    'soon 3000',
    '3000',
    'tomorrow',
    '2030-01-01T00:00:00Z',
    'Sun, 06 Nov 1994 08:49:37 UTC',
    'Sun, 6 Nov 1994 08:49:37 GMT',
    'sun, 06 nov 1994 08:49:37 GMT',
    'Sun, 06 Nov 94 08:49:37 GMT',
    'Sun, 31 Feb 1994 08:49:37 GMT',
    'Sun, 00 Nov 1994 08:49:37 GMT',
    'Sun, 06 Nov 1994 24:00:00 GMT',
    'Sun, 06 Nov 1994 08:60:00 GMT',
    'Sun, 06 Nov 1994 08:49:37 GMT+1',
    'Sunday, 06-Nov-1994 08:49:37 GMT',
    'Sun Nov 6 08:49:37 1994',
    '',
  ])('refuses %j', (value) => {
    expect(parseHttpDate(value, NOW_2026)).toBeUndefined();
  });
});
