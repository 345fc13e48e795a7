const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const DAY = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const DAY_LONG = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT` */
const IMF_FIXDATE = new RegExp(`^${DAY}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT` (obsolete) */
const RFC_850 = new RegExp(`^${DAY_LONG}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994` (obsolete; a one-digit day is padded with a space) */
const ASCTIME = new RegExp(`^${DAY} ${MONTH} (\\d{2}| \\d) ${TIME} (\\d{4})$`);

/**
 * Parses an HTTP date in the three forms RFC 9110 §5.6.7 lets a recipient accept: IMF-fixdate and the
 * obsolete RFC 850 and asctime forms. Nothing else is accepted: `Date.parse` would read `"soon 3000"` as
 * a date 973 years away. A two-digit RFC 850 year is read as RFC 9110 says: a year more than 50 years
 * ahead of `nowMs` is taken as the most recent past year with those last two digits.
 *
 * @param value - The field value (surrounding whitespace is allowed).
 * @param nowMs - Wall-clock epoch ms, for two-digit years. @defaultValue `Date.now()`
 * @returns Epoch ms, or `undefined` when the value is not one of the three forms or not a real date.
 * @example
 * ```ts
 * parseHttpDate('Sun, 06 Nov 1994 08:49:37 GMT'); // 784111777000
 * parseHttpDate('Sunday, 06-Nov-94 08:49:37 GMT'); // 784111777000
 * parseHttpDate('Sun Nov  6 08:49:37 1994'); // 784111777000
 * parseHttpDate('tomorrow'); // undefined
 * ```
 */
export function parseHttpDate(value: string, nowMs: number = Date.now()): number | undefined {
  const text = value.trim();
  let m = IMF_FIXDATE.exec(text);
  if (m !== null) return utc(Number(m[3]), m[2], m[1], m[4], m[5], m[6]);
  m = RFC_850.exec(text);
  if (m !== null) {
    const nowYear = new Date(nowMs).getUTCFullYear();
    let year = Math.floor(nowYear / 100) * 100 + Number(m[3]);
    if (year > nowYear + 50) year -= 100;
    return utc(year, m[2], m[1], m[4], m[5], m[6]);
  }
  m = ASCTIME.exec(text);
  if (m !== null) return utc(Number(m[6]), m[1], m[2], m[3], m[4], m[5]);
  return undefined;
}

function utc(
  year: number,
  month: string | undefined,
  day: string | undefined,
  hours: string | undefined,
  minutes: string | undefined,
  seconds: string | undefined,
): number | undefined {
  const mon = MONTHS.indexOf(month ?? '');
  const d = Number(day);
  const h = Number(hours);
  const min = Number(minutes);
  // 60 is a leap second: RFC 9110 allows it; it reads as the next second.
  const s = Number(seconds);
  if (h > 23 || min > 59 || s > 60 || d < 1) return undefined;
  const at = Date.UTC(year, mon, d, h, min, s);
  // Date.UTC rolls 31 Feb over into March: a day the month does not have is not a date.
  return new Date(at).getUTCDate() === d || s === 60 ? at : undefined;
}
