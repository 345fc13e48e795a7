/**
 * Test support of the fetch adapters (not part of the package's exports): both entry points for the
 * testkit's client telemetry contract, under the undici instrumentation, from the sources or the build.
 */
import type { ClientTelemetryDeps } from '@tripswitch/testkit/telemetry/client-telemetry-contract';
import { clientTelemetryDeps } from '@tripswitch/testkit/telemetry/client-telemetry-deps';
import type { SdkLine } from '@tripswitch/testkit/telemetry/sdk-line';
import type * as undici from 'undici';
import type { breakerInterceptor, InterceptorBreakerOptions, withBreaker } from './index.js';

/** What the contract needs of this package (the sources, or the build). */
export interface FetchModules {
  readonly withBreaker: typeof withBreaker;
  readonly breakerInterceptor: typeof breakerInterceptor;
  readonly isCircuitOpenError: (error: unknown) => boolean;
}

/** Both entry points run under the undici instrumentation. */
const undiciInstrumented = {
  instrumentation: (line: SdkLine) => line.instrumentations.undici(),
  resetErrorType: 'UND_ERR_SOCKET',
};

/** `withBreaker` around the global fetch. */
export function withBreakerTelemetryDeps(load: () => Promise<FetchModules>): ClientTelemetryDeps {
  return clientTelemetryDeps({
    ...undiciInstrumented,
    label: 'withBreaker(fetch)',
    load,
    install: (m, options) => {
      const guarded = m.withBreaker(fetch, options);
      return async (url, method) => (await guarded(url, { method })).arrayBuffer();
    },
  });
}

/** The interceptor composed on an undici `Agent`, under `undici.request`. */
export function interceptorTelemetryDeps(
  load: () => Promise<FetchModules & { readonly undici: Pick<typeof undici, 'Agent' | 'request'> }>,
): ClientTelemetryDeps {
  return clientTelemetryDeps({
    ...undiciInstrumented,
    label: 'breakerInterceptor()',
    load,
    install: (m, options) => {
      const dispatcher = new m.undici.Agent().compose(
        m.breakerInterceptor(options as InterceptorBreakerOptions),
      );
      return async (url, method) => (await m.undici.request(url, { dispatcher, method })).body.arrayBuffer();
    },
  });
}
