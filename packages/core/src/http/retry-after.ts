import { parseHttpDate } from './http-date.js';

/**
 * The longest open period a `Retry-After` can ask for by default: 10 minutes. An upstream (or anything in
 * between) that says `Retry-After: 99999999999` gets this, not 3,170 years.
 */
export const DEFAULT_MAX_RETRY_AFTER = 600_000;

const DELAY_SECONDS = /^\s*(\d+)\s*$/;

/**
 * Parses a `Retry-After` value into milliseconds from now. Only the two RFC 9110 forms are accepted:
 * delay-seconds (`120`) and an HTTP date (IMF-fixdate or one of the two obsolete forms, see
 * {@link parseHttpDate}). A date is measured against the response's own `Date` header when it has a valid
 * one, so a skewed local clock does not matter; else against `nowMs`. The result is capped at `maxMs`.
 *
 * @param value - The `Retry-After` field value.
 * @param dateHeader - The response's `Date` field value, if any.
 * @param nowMs - Wall-clock epoch ms (`Date.now()`).
 * @param maxMs - The cap. @defaultValue {@link DEFAULT_MAX_RETRY_AFTER} (10 minutes)
 * @returns Milliseconds in `(0, maxMs]`, or `undefined` for a missing, malformed, zero or past value.
 * @example
 * ```ts
 * parseRetryAfter('120', undefined, Date.now()); // 120000
 * parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', 'Wed, 21 Oct 2015 07:27:00 GMT', Date.now()); // 60000
 * parseRetryAfter('99999999999', undefined, Date.now()); // 600000, the cap
 * parseRetryAfter('soon 3000', undefined, Date.now()); // undefined
 * ```
 */
export function parseRetryAfter(
  value: string | undefined,
  dateHeader: string | undefined,
  nowMs: number,
  maxMs: number = DEFAULT_MAX_RETRY_AFTER,
): number | undefined {
  if (value === undefined) return undefined;
  const seconds = DELAY_SECONDS.exec(value);
  let ms: number;
  if (seconds !== null) {
    ms = Number(seconds[1]) * 1000;
  } else {
    const at = parseHttpDate(value, nowMs);
    if (at === undefined) return undefined;
    const served = dateHeader === undefined ? undefined : parseHttpDate(dateHeader, nowMs);
    ms = at - (served ?? nowMs);
  }
  return ms > 0 ? Math.min(ms, maxMs) : undefined;
}
