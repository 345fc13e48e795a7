import {
  type ClientAdapterDriver,
  describeClientAdapter,
  type SuiteRequest,
} from '@tripswitch/testkit/client-suite';
import * as undici7 from 'undici';
import {
  breakerInterceptor,
  type FetchBreakerOptions,
  type InterceptorBreakerOptions,
  networkErrorOf,
  statusOf,
  withBreaker,
} from './index.js';

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

const common = {
  keyArg: 'request',
  optOut: true,
  isAbort: (error: unknown) => (error as { name?: unknown }).name === 'AbortError',
  isTimeout: (error: unknown) => (error as { name?: unknown }).name === 'TimeoutError',
  statusOf,
  resetCodes: ['UND_ERR_SOCKET', 'ECONNRESET'],
} satisfies Partial<ClientAdapterDriver>;

// The behaviour every HTTP client adapter shares: withBreaker around the fetch this Node.js ships, and
// the interceptor under undici.request and under that same global fetch (`dispatcher`), whose undici
// is another copy than the one the interceptor is composed with.
describeClientAdapter({
  ...common,
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
  adapterErrorOf: (error) => error,
});

/** The interceptor composed on an `Agent` of this undici, driven through its `request`. */
function undiciRequestDriver(label: string, undici: Pick<typeof import('undici'), 'Agent' | 'request'>) {
  return {
    ...common,
    label,
    client(options: Record<string, unknown>) {
      const dispatcher = new undici.Agent().compose(breakerInterceptor(options as InterceptorBreakerOptions));
      return {
        async send(url: string, request: SuiteRequest = {}) {
          const signal = signalOf(request.signal, request.timeoutMs);
          const response = await undici.request(url, {
            dispatcher,
            method: request.method ?? 'GET',
            headers: { ...request.headers },
            ...(signal === undefined ? {} : { signal }),
            ...(request.breaker === undefined ? {} : ({ breaker: request.breaker } as object)),
          });
          await response.body.arrayBuffer();
          return response.statusCode;
        },
      };
    },
    adapterErrorOf: (error: unknown) => error,
  } satisfies ClientAdapterDriver;
}

describeClientAdapter(undiciRequestDriver('breakerInterceptor() under undici.request', undici7));

describeClientAdapter({
  ...common,
  label: 'breakerInterceptor() under globalThis.fetch',
  // fetch does not hand its init to the dispatcher: opt out with a dispatcher without the interceptor.
  optOut: false,
  client(options) {
    const dispatcher = new undici7.Agent().compose(breakerInterceptor(options as InterceptorBreakerOptions));
    return {
      async send(url, request = {}) {
        const signal = signalOf(request.signal, request.timeoutMs);
        const init = {
          dispatcher,
          method: request.method ?? 'GET',
          headers: { ...request.headers },
          ...(signal === undefined ? {} : { signal }),
        };
        const response = await fetch(url, init as unknown as RequestInit);
        await response.arrayBuffer();
        return response.status;
      },
    };
  },
  // fetch rejects every dispatcher error as TypeError('fetch failed') with the error as its cause.
  adapterErrorOf: networkErrorOf,
});

// undici 8 (Node >= 22.19) has only the controller handler API; the interceptor is written for it.
const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major > 22 || (major === 22 && minor >= 19)) {
  const undici8 = await import('undici8');
  describeClientAdapter(undiciRequestDriver('breakerInterceptor() under undici 8 request', undici8 as never));
}
