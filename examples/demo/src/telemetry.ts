import type { IncomingMessage } from 'node:http';
import { register } from 'node:module';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SpanProcessor } from '@opentelemetry/sdk-trace-base';

export interface TelemetryOptions {
  readonly metricsPort: number;
  readonly metricsHost: string;
  /** Where spans go when no OTLP endpoint is configured. */
  readonly consoleSpans: SpanProcessor;
  /** Told once whether the metrics endpoint is up, with the reason when it is not. */
  readonly onMetricsServer: (error?: Error) => void;
}

export interface Telemetry {
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
 * Starts the OpenTelemetry SDK. It must run before express, koa and axios are imported: the ESM loader
 * hook and the instrumentations patch modules as they load. With an OTLP endpoint set, the SDK builds the
 * exporter from the standard variables (`OTEL_EXPORTER_OTLP_PROTOCOL`: `http/protobuf` by default,
 * `http/json` or `grpc`); otherwise spans go to the compact console view.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
  const endpoint = otlpEndpoint();
  const prometheus = new PrometheusExporter(
    { host: options.metricsHost, port: options.metricsPort },
    (error) => options.onMetricsServer(error ?? undefined),
  );
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'tripswitch-demo' }),
    metricReaders: [prometheus],
    // Without an endpoint the SDK would default to OTLP on localhost; with one, it reads the OTEL_* variables.
    ...(endpoint === undefined ? { spanProcessors: [options.consoleSpans] } : {}),
    logRecordProcessors: [],
    instrumentations: [
      new HttpInstrumentation({
        // Prometheus scrapes are not part of the story the traces tell.
        ignoreIncomingRequestHook: (req: IncomingMessage) => req.socket.localPort === options.metricsPort,
      }),
      new ExpressInstrumentation(),
      new KoaInstrumentation(),
    ],
  });
  sdk.start();
  return { tracesTo: endpoint ?? 'console', shutdown: () => sdk.shutdown() };
}
