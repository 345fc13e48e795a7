import type { Instrumentation } from '@opentelemetry/instrumentation';
import { startUpstream } from '../upstream.js';
import type { ClientTelemetryDeps } from './client-telemetry-contract.js';
import type { SdkLine } from './sdk-line.js';

/** What a client adapter's modules give the client telemetry contract, whatever else they hold. */
export interface ClientTelemetryModules {
  readonly isCircuitOpenError: (error: unknown) => boolean;
}

/** What differs between the client adapters in {@link ClientTelemetryDeps}. */
export interface ClientTelemetryAdapter<M extends ClientTelemetryModules> {
  readonly label: string;
  /** The client's OpenTelemetry instrumentation. */
  instrumentation(line: SdkLine): Instrumentation;
  /** The `error.type` of a failure on a connection the upstream reset. */
  readonly resetErrorType: string;
  /** Loads the adapter and its client, the sources or the build (after the instrumentation is enabled). */
  load(): Promise<M>;
  /**
   * Installs the adapter with `options` on a new client; returns how that client sends one request (its
   * body read to the end).
   */
  install(modules: M, options: Record<string, unknown>): (url: string, method: string) => Promise<unknown>;
}

/**
 * The client telemetry contract's deps for one adapter, against the testkit's upstream: a request the
 * contract sends without a method is a `GET`.
 *
 * @example
 * ```ts
 * clientTelemetryDeps({
 *   label: 'axios',
 *   instrumentation: (line) => line.instrumentations.http(),
 *   resetErrorType: 'ECONNRESET',
 *   load,
 *   install: (m, options) => {
 *     const http = m.withBreaker(m.axios.create(), options);
 *     return (url, method) => http.request({ url, method });
 *   },
 * });
 * ```
 */
export function clientTelemetryDeps<M extends ClientTelemetryModules>(
  adapter: ClientTelemetryAdapter<M>,
): ClientTelemetryDeps {
  return {
    label: adapter.label,
    instrumentation: (line) => adapter.instrumentation(line),
    resetErrorType: adapter.resetErrorType,
    startUpstream: () => startUpstream(),
    async load() {
      const modules = await adapter.load();
      return {
        isCircuitOpenError: modules.isCircuitOpenError,
        client(options) {
          const send = adapter.install(modules, options);
          return { send: (url, request = {}) => send(url, request.method ?? 'GET') };
        },
      };
    },
  };
}
