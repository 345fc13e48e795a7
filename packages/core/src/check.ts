/**
 * The option checkers every tripswitch package uses: each returns the checked value or throws a
 * `TypeError` (not the right kind of value) or `RangeError` (the right kind, outside what is allowed),
 * naming the option and the value, as the JS built-ins do. A leaf module: it imports nothing.
 */

/**
 * The longest delay Node.js timers honour (2^31−1 ms, about 24.8 days): `setTimeout` fires a longer one
 * after 1 ms instead. Every duration that reaches a timer is checked against it.
 */
export const MAX_TIMER_MS = 2_147_483_647;

/**
 * Formats a bad value for an error message: strings quoted, objects as JSON when they can be, functions,
 * symbols, proxies and throwing getters without throwing.
 *
 * @example
 * ```ts
 * show('x'); // '"x"'
 * show({ a: 1 }); // '{"a":1}'
 * ```
 */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return value.toString();
  if (value === null) return 'null';
  if (typeof value === 'object') {
    try {
      if (Array.isArray(value)) return 'an array';
      return JSON.stringify(value) ?? 'an object';
    } catch {
      return 'an object';
    }
  }
  return String(value);
}

/**
 * The error for a bad number: a `TypeError` when it is not a number at all (`'5'`), a `RangeError` when
 * it is a number outside what is allowed (`0`, `1.5`, `NaN`).
 */
function badNumber(value: unknown, message: string): TypeError | RangeError {
  return typeof value === 'number' ? new RangeError(message) : new TypeError(message);
}

/**
 * An integer count from `min` (default 1) to `max` (default `Number.MAX_SAFE_INTEGER`).
 *
 * @throws TypeError for a non-number, RangeError for a number out of range (`maxBreakers must be an integer >= 1, got 0`).
 * @example
 * ```ts
 * const size = checkCount('window.size', options.size, { max: 1_000_000 });
 * ```
 */
export function checkCount(
  option: string,
  value: unknown,
  bounds?: { readonly min?: number; readonly max?: number },
): number {
  const min = bounds?.min ?? 1;
  const max = bounds?.max ?? Number.MAX_SAFE_INTEGER;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `>= ${min}` : `from ${min} to ${max}`;
    throw badNumber(value, `${option} must be an integer ${range}, got ${show(value)}`);
  }
  return value;
}

/**
 * A finite duration in ms; `> 0` when `positive`, else `>= 0`.
 *
 * @throws TypeError for a non-number, RangeError for a negative, infinite or NaN one.
 * @example
 * ```ts
 * const resetTimeout = checkDuration('resetTimeout', options.resetTimeout ?? 60_000);
 * ```
 */
export function checkDuration(option: string, value: unknown, positive = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0 || (positive && value === 0)) {
    throw badNumber(
      value,
      `${option} must be a finite number of ms ${positive ? '> 0' : '>= 0'}, got ${show(value)}`,
    );
  }
  return value;
}

/**
 * A duration that reaches a timer: {@link checkDuration}, and at most {@link MAX_TIMER_MS}, because Node
 * fires a longer timer after 1 ms (every call would time out at once).
 *
 * @throws TypeError for a non-number, RangeError for one out of range.
 * @example
 * ```ts
 * const timeout = checkTimerDuration('timeout', options.timeout, true);
 * ```
 */
export function checkTimerDuration(option: string, value: unknown, positive = false): number {
  const ms = checkDuration(option, value, positive);
  if (ms > MAX_TIMER_MS) {
    throw new RangeError(
      `${option} must be at most ${MAX_TIMER_MS} ms (2^31-1, the longest timer Node.js sets), got ${show(value)}`,
    );
  }
  return ms;
}

/**
 * A percentage from 0 to 100.
 *
 * @throws TypeError for a non-number, RangeError for NaN or a number outside 0–100.
 * @example
 * ```ts
 * checkPercent('failureRateThreshold', 50);
 * ```
 */
export function checkPercent(option: string, value: unknown): number {
  if (typeof value !== 'number' || Number.isNaN(value) || value < 0 || value > 100) {
    throw badNumber(value, `${option} must be a percentage from 0 to 100, got ${show(value)}`);
  }
  return value;
}

/**
 * A function, or `undefined` (not given).
 *
 * @throws TypeError for anything else.
 * @example
 * ```ts
 * const isFailure = checkHook('isFailure', options.isFailure);
 * ```
 */
export function checkHook<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function') {
    throw new TypeError(`${option} must be a function, got ${show(value)}`);
  }
  return value;
}

/**
 * A boolean, or `fallback` when `undefined`.
 *
 * @throws TypeError for a non-boolean.
 * @example
 * ```ts
 * const traceCalls = checkBoolean('traceCalls', options.traceCalls, false);
 * ```
 */
export function checkBoolean(option: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new TypeError(`${option} must be a boolean, got ${show(value)}`);
  return value;
}

/**
 * Checks that `given` is an options object with only `known` keys, and returns a plain copy of it in
 * which `null` and `undefined` values are left out (`null` means "not given" everywhere). The copy is
 * read once, so a getter runs once, and a throwing getter or proxy trap becomes a `TypeError` naming
 * the option instead of a crash later.
 *
 * @param what - how the options are named in messages (`'retry options'`).
 * @throws TypeError for a non-object, an unknown key (`unknown option "maxRetriez" (did you mean "maxRetries"?)`), or
 *   a value that cannot be read.
 * @example
 * ```ts
 * const o = checkOptions('registry options', options, ['maxBreakers', 'telemetry']);
 * ```
 */
export function checkOptions(what: string, given: unknown, known: Iterable<string>): Record<string, unknown> {
  if (given === undefined || given === null) return {};
  if (typeof given !== 'object') throw new TypeError(`${what} must be an object, got ${show(given)}`);
  const allowed = known instanceof Set ? (known as ReadonlySet<string>) : new Set(known);
  const out: Record<string, unknown> = {};
  let keys: string[];
  try {
    keys = Object.keys(given);
  } catch (error) {
    throw new TypeError(`${what} cannot be read: ${String(error)}`, { cause: error });
  }
  for (const key of keys) {
    if (!allowed.has(key)) {
      const near = closest(key, allowed);
      throw new TypeError(`unknown option "${key}"${near === undefined ? '' : ` (did you mean "${near}"?)`}`);
    }
    let value: unknown;
    try {
      value = (given as Record<string, unknown>)[key];
    } catch (error) {
      throw new TypeError(`${key} cannot be read: ${String(error)}`, { cause: error });
    }
    if (value !== null && value !== undefined) out[key] = value;
  }
  return out;
}

/**
 * The known key a typo most likely meant: equal but for case, or a few edits away (1 for keys of 5 to 7
 * letters, 2 from 8; none for shorter ones, where an edit or two makes another word).
 */
function closest(key: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = key.length >= 8 ? 3 : key.length >= 5 ? 2 : 1;
  for (const candidate of known) {
    const d = candidate.toLowerCase() === key.toLowerCase() ? 0 : editDistance(key, candidate, bestDistance);
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  return best;
}

/** Levenshtein distance, giving up (returning `limit`) once it cannot be below `limit`. */
function editDistance(a: string, b: string, limit: number): number {
  if (Math.abs(a.length - b.length) >= limit) return limit;
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      const d = Math.min(
        (previous[j] as number) + 1,
        (row[j - 1] as number) + 1,
        (previous[j - 1] as number) + cost,
      );
      row.push(d);
      if (d < rowMin) rowMin = d;
    }
    if (rowMin >= limit) return limit;
    previous = row;
  }
  return Math.min(previous[b.length] as number, limit);
}
