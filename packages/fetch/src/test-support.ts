/**
 * Test support of the fetch adapters (not part of the package's exports): both entry points for the
 * testkit's client telemetry contract, under the undici instrumentation, from the sources or the build.
 */
import type { ClientTelemetryDeps } from '@tripswitch/testkit/telemetry/client-telemetry-contract';
import { startUpstream } from '@tripswitch/testkit/upstream';
import type * as undici from 'undici';
import type { breakerInterceptor, InterceptorBreakerOptions, withBreaker } from './index.js';

/** What the contract needs of this package (the sources, or the build). */
export interface FetchModules {
  readonly withBreaker: typeof withBreaker;
  readonly breakerInterceptor: typeof breakerInterceptor;
  readonly isCircuitOpenError: (error: unknown) => boolean;
}

const base = {
  instrumentation: (line: Parameters<ClientTelemetryDeps['instrumentation']>[0]) =>
    line.instrumentations.undici(),
  resetErrorType: 'UND_ERR_SOCKET',
  startUpstream: () => startUpstream(),
};

/** `withBreaker` around the global fetch. */
export function withBreakerTelemetryDeps(load: () => Promise<FetchModules>): ClientTelemetryDeps {
  return {
    ...base,
    label: 'withBreaker(fetch)',
    async load() {
      const m = await load();
      return {
        isCircuitOpenError: m.isCircuitOpenError,
        client(options) {
          const guarded = m.withBreaker(fetch, options);
          return {
            async send(url, request = {}) {
              return (await guarded(url, { method: request.method ?? 'GET' })).arrayBuffer();
            },
          };
        },
      };
    },
  };
}

/** The interceptor composed on an undici `Agent`, under `undici.request`. */
export function interceptorTelemetryDeps(
  load: () => Promise<FetchModules & { readonly undici: Pick<typeof undici, 'Agent' | 'request'> }>,
): ClientTelemetryDeps {
  return {
    ...base,
    label: 'breakerInterceptor()',
    async load() {
      const m = await load();
      return {
        isCircuitOpenError: m.isCircuitOpenError,
        client(options) {
          const dispatcher = new m.undici.Agent().compose(
            m.breakerInterceptor(options as InterceptorBreakerOptions),
          );
          return {
            async send(url, request = {}) {
              const response = await m.undici.request(url, { dispatcher, method: request.method ?? 'GET' });
              return response.body.arrayBuffer();
            },
          };
        },
      };
    },
  };
}
