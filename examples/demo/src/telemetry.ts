import type { IncomingMessage } from 'node:http';
import { register } from 'node:module';
import type { SdkLine, SpanProcessorLike } from './sdk-line.js';

export interface TelemetryOptions {
  readonly metricsPort: number;
  readonly metricsHost: string;
  /** Where spans go when no OTLP endpoint is configured. */
  readonly consoleSpans: SpanProcessorLike;
  /** Told once whether the metrics endpoint is up, with the reason when it is not. */
  readonly onMetricsServer: (error?: Error) => void;
}

export interface Telemetry {
  /** The SDK line that runs: `2.x` or `3.x`. */
  readonly sdk: string;
  /** Where traces go: an OTLP endpoint, or `console`. */
  readonly tracesTo: string;
  shutdown(): Promise<void>;
}

/** True when the standard OpenTelemetry variables point traces at an OTLP collector (Jaeger: port 4318). */
export function otlpEndpoint(): string | undefined {
  return (
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT || undefined
  );
}

/**
 * Starts the OpenTelemetry SDK of `line` (see `loadSdkLine()`). It must run before express, koa and axios
 * are imported: the ESM loader
 * hook and the instrumentations patch modules as they load. With an OTLP endpoint set, the SDK builds the
 * exporter from the standard variables (`OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf` by default,
 * `http/json` or `grpc`); otherwise spans go to the compact console view.
 */
export function startTelemetry(line: SdkLine, options: TelemetryOptions): Telemetry {
  register(line.loaderHook);
  const endpoint = otlpEndpoint();
  const prometheus = new line.PrometheusExporter(
    { host: options.metricsHost, port: options.metricsPort },
    (error) => options.onMetricsServer(error ?? undefined),
  );
  const sdk = new line.NodeSDK({
    resource: line.resourceFromAttributes({
      'service.name': process.env.OTEL_SERVICE_NAME ?? 'tripswitch-demo',
    }),
    metricReaders: [prometheus],
    // Without an endpoint the SDK would default to OTLP on localhost; with one, it reads the OTEL_* variables.
    ...(endpoint === undefined ? { spanProcessors: [options.consoleSpans] } : {}),
    logRecordProcessors: [],
    instrumentations: [
      new line.HttpInstrumentation({
        // Prometheus scrapes are not part of the story the traces tell.
        ignoreIncomingRequestHook: (req: IncomingMessage) => req.socket.localPort === options.metricsPort,
      }),
      new line.ExpressInstrumentation(),
      new line.KoaInstrumentation(),
      // The Koa API's upstream calls go through the global fetch, which node:http's instrumentation does not
      // see. The load generator fetches too, outside any span: those calls stay untraced, as before.
      new line.UndiciInstrumentation({ requireParentforSpans: true }),
    ],
  });
  sdk.start();
  return { sdk: line.label, tracesTo: endpoint ?? 'console', shutdown: () => sdk.shutdown() };
}
