import { describeClientAdapter } from '@tripswitch/testkit/client-suite';
import { type FetchBreakerOptions, isCircuitOpenError, statusOf, withBreaker } from './index.js';

/**
 * The signal of a suite request: the caller's, `AbortSignal.timeout()`, or both. Both are combined by
 * hand: Node 20 can collect an `AbortSignal.timeout()` held only by `AbortSignal.any()`, which then
 * never fires.
 */
function signalOf(signal: AbortSignal | undefined, timeoutMs: number | undefined): AbortSignal | undefined {
  if (timeoutMs === undefined) return signal;
  if (signal === undefined) return AbortSignal.timeout(timeoutMs);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(new DOMException('timed out', 'TimeoutError')), timeoutMs);
  const stop = () => clearTimeout(timer);
  if (signal.aborted) controller.abort(signal.reason);
  signal.addEventListener('abort', () => controller.abort(signal.reason), { once: true });
  controller.signal.addEventListener('abort', stop, { once: true });
  return controller.signal;
}

// The behaviour every HTTP client adapter shares, with the fetch this Node.js ships.
describeClientAdapter({
  label: 'withBreaker(globalThis.fetch)',
  keyArg: 'request',
  optOut: true,
  client(options) {
    const guarded = withBreaker(globalThis.fetch, options as FetchBreakerOptions);
    return {
      async send(url, request = {}) {
        const signal = signalOf(request.signal, request.timeoutMs);
        const response = await guarded(url, {
          method: request.method ?? 'GET',
          headers: { ...request.headers },
          ...(signal === undefined ? {} : { signal }),
          ...(request.breaker === undefined ? {} : { breaker: request.breaker }),
        });
        await response.arrayBuffer();
        return response.status;
      },
    };
  },
  isAbort: (error) => (error as { name?: unknown }).name === 'AbortError',
  isTimeout: (error) => (error as { name?: unknown }).name === 'TimeoutError',
  circuitOpenErrorOf: (error) => (isCircuitOpenError(error) ? error : undefined),
  statusOf,
  resetCodes: ['UND_ERR_SOCKET', 'ECONNRESET'],
});
