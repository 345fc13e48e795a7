import { checkCount, checkHook, checkOptions, checkTimerDuration, MAX_TIMER_MS, show } from './check.js';
import { isCircuitOpenError } from './errors.js';

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Retries after the first attempt (so at most `maxRetries + 1` calls). @defaultValue 3 */
  readonly maxRetries?: number;
  /** The first backoff delay in ms (at most 2^31−1, the longest timer Node.js sets). @defaultValue 100 */
  readonly initialDelay?: number;
  /** Each delay is the previous one times this. @defaultValue 2 */
  readonly backoffFactor?: number;
  /** No delay is longer than this (ms; at most 2^31−1). @defaultValue 30000 */
  readonly maxDelay?: number;
  /**
   * `full`: a random delay between 0 and the backoff; `equal`: half the backoff plus a random half;
   * `none`: exactly the backoff.
   * @defaultValue 'full'
   */
  readonly jitter?: 'full' | 'equal' | 'none';
  /** Decides whether an error is worth another attempt; `attempt` is 1 for the first call. @defaultValue every error */
  readonly shouldRetry?: (error: unknown, attempt: number) => boolean;
  /** Stops retrying: a wait in progress rejects with the signal's reason. */
  readonly signal?: AbortSignal;
}

interface ResolvedRetry {
  readonly maxRetries: number;
  readonly initialDelay: number;
  readonly backoffFactor: number;
  readonly maxDelay: number;
  readonly jitter: 'full' | 'equal' | 'none';
  readonly shouldRetry: ((error: unknown, attempt: number) => boolean) | undefined;
  readonly signal: AbortSignal | undefined;
}

const RETRY_OPTIONS: ReadonlySet<string> = new Set([
  'maxRetries',
  'initialDelay',
  'backoffFactor',
  'maxDelay',
  'jitter',
  'shouldRetry',
  'signal',
]);

function resolveRetryOptions(given: RetryOptions): ResolvedRetry {
  // `null` options mean "not given", as everywhere; an unknown key (`maxRetriez`) throws.
  const options = checkOptions('retry options', given, RETRY_OPTIONS) as RetryOptions;
  const maxRetries = checkCount('maxRetries', options.maxRetries ?? 3, { min: 0 });
  const backoffFactor = options.backoffFactor ?? 2;
  if (typeof backoffFactor !== 'number' || !Number.isFinite(backoffFactor) || backoffFactor < 1) {
    throw new RangeError(`backoffFactor must be a finite number >= 1, got ${show(backoffFactor)}`);
  }
  const jitter = options.jitter ?? 'full';
  if (jitter !== 'full' && jitter !== 'equal' && jitter !== 'none') {
    throw new TypeError(`jitter must be 'full', 'equal' or 'none', got ${show(jitter)}`);
  }
  if (options.signal !== undefined && typeof options.signal?.addEventListener !== 'function') {
    throw new TypeError(`signal must be an AbortSignal, got ${show(options.signal)}`);
  }
  return {
    maxRetries,
    initialDelay: checkTimerDuration('initialDelay', options.initialDelay ?? 100),
    backoffFactor,
    maxDelay: checkTimerDuration('maxDelay', options.maxDelay ?? 30_000),
    jitter,
    shouldRetry: checkHook('shouldRetry', options.shouldRetry),
    signal: options.signal,
  };
}

/** The un-jittered backoff before retry number `retry` (0-based). */
function backoff(o: ResolvedRetry, retry: number): number {
  return Math.min(o.maxDelay, o.initialDelay * o.backoffFactor ** retry);
}

function jittered(o: ResolvedRetry, base: number): number {
  if (o.jitter === 'none') return base;
  if (o.jitter === 'equal') return base / 2 + Math.random() * (base / 2);
  return Math.random() * base;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Calls `fn` until it succeeds, waiting an exponential backoff with jitter between attempts.
 *
 * Around a breaker it does not hammer an open circuit: on a {@link CircuitOpenError} it waits the error's
 * `retryAfterMs` (or the backoff, if longer) only when that fits in the backoff budget of the attempts it
 * has left; otherwise it re-throws the rejection at once.
 *
 * @param fn - receives the attempt number (1 for the first call).
 * @returns what `fn` returns on its first success.
 * @throws TypeError or RangeError at once for invalid options. The returned promise rejects with the last
 * error once attempts run out or `shouldRetry` says no, or with the signal's reason when aborted.
 * @example
 * ```ts
 * const user = await retry(() => breaker.execute(() => fetchUser(id)), { maxRetries: 2, initialDelay: 200 });
 * ```
 */
export function retry<T>(
  fn: (attempt: number) => T | PromiseLike<T>,
  options: RetryOptions = {},
): Promise<T> {
  // Validation throws synchronously, before any attempt, like a constructor would.
  if (typeof fn !== 'function') throw new TypeError(`retry(fn) needs a function, got ${show(fn)}`);
  const o = resolveRetryOptions(options);
  return attempts(fn, o, o.signal);
}

async function attempts<T>(
  fn: (attempt: number) => T | PromiseLike<T>,
  o: ResolvedRetry,
  signal: AbortSignal | undefined,
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw signal.reason;
    try {
      return await fn(attempt);
    } catch (error) {
      const retriesLeft = o.maxRetries - (attempt - 1);
      if (retriesLeft <= 0 || signal?.aborted) throw error;
      if (o.shouldRetry !== undefined && !o.shouldRetry(error, attempt)) throw error;
      let delay = jittered(o, backoff(o, attempt - 1));
      if (isCircuitOpenError(error)) {
        let budget = 0;
        for (let r = attempt - 1; r < o.maxRetries; r++) budget += backoff(o, r);
        // A wait no timer can hold (over 2^31-1 ms: Node would fire it at once) is not worth waiting either.
        if (!(error.retryAfterMs <= budget) || error.retryAfterMs >= MAX_TIMER_MS) throw error;
        // Timers can fire up to a millisecond early against the breaker's clock (libuv's cached loop time), and
        // an attempt that arrives just before the reset period ends is rejected again: wait a little past it.
        delay = Math.max(delay, Math.ceil(error.retryAfterMs) + 1);
      }
      await sleep(delay, signal);
    }
  }
}
