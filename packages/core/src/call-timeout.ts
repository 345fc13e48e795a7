import { CallTimeoutError } from './errors.js';

/** The deadlines' own errors, so a breaker can tell its timeout from a CallTimeoutError that fn threw. */
const ownTimeouts = new WeakSet<object>();

/** @internal true when `error` is a deadline created by {@link runWithTimeout}. */
export function isOwnTimeout(error: unknown): boolean {
  return typeof error === 'object' && error !== null && ownTimeouts.has(error);
}

/**
 * @internal Runs `start(signal)` against a deadline: at `timeoutMs` the signal aborts with a
 * {@link CallTimeoutError}, `onTimeout` is told, and the returned promise rejects with that error
 * whatever `start`'s promise does afterwards. A caller signal that aborts first aborts the call too.
 */
export async function runWithTimeout<T>(
  start: (signal: AbortSignal) => T | PromiseLike<T>,
  breakerName: string,
  timeoutMs: number,
  callerSignal: AbortSignal | undefined,
  onTimeout: () => void,
): Promise<T> {
  const controller = new AbortController();
  const onCallerAbort = () => controller.abort(callerSignal?.reason);
  callerSignal?.addEventListener('abort', onCallerAbort, { once: true });
  let timer: ReturnType<typeof setTimeout> | undefined;
  let timedOut: CallTimeoutError | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new CallTimeoutError(breakerName, timeoutMs);
      timedOut = error;
      ownTimeouts.add(error);
      onTimeout();
      controller.abort(error);
      reject(error);
    }, timeoutMs);
    // Not unref'd: a call pending on something that holds no handle (a promise nobody settles) must still
    // time out rather than vanish when the process exits. The timer lives only while the call is in flight.
  });
  try {
    const result = await Promise.race([start(controller.signal), deadline]);
    // fn may answer the aborted signal synchronously (resolve, or reject with its own AbortError), and
    // then its settlement wins the race against the deadline's: once the deadline fired (counted and
    // emitted as a timeout), the call is a timeout whatever fn did in response.
    if (timedOut !== undefined) throw timedOut;
    return result;
  } catch (error) {
    throw timedOut ?? error;
  } finally {
    clearTimeout(timer);
    callerSignal?.removeEventListener('abort', onCallerAbort);
  }
}

/** @internal runs a fallback, turning a synchronous throw into a rejection. */
export function callFallback<F>(fallback: (error: unknown) => unknown, error: unknown): Promise<F> {
  try {
    return Promise.resolve(fallback(error) as F | PromiseLike<F>);
  } catch (thrown) {
    return Promise.reject(thrown);
  }
}
