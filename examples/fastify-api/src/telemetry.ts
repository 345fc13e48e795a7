// Load this before the app (node --import ./dist/telemetry.js dist/server.js): the HTTP instrumentation
// patches http as it is imported, and @fastify/otel hooks into every Fastify instance created after it.
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

const metricsPort = Number(process.env.METRICS_PORT ?? 9464);
// Traces go to OTLP/HTTP only when asked (Jaeger: OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318).
const tracing = process.env.OTEL_EXPORTER_OTLP_ENDPOINT
  ? { traceExporter: new OTLPTraceExporter() }
  : { spanProcessors: [] };

export const sdk = new NodeSDK({
  resource: resourceFromAttributes({ 'service.name': 'fastify-api' }),
  metricReaders: [new PrometheusExporter({ host: '127.0.0.1', port: metricsPort })],
  ...tracing,
  logRecordProcessors: [],
  // registerOnInitialization: @fastify/otel registers itself on each new Fastify instance.
  instrumentations: [
    new HttpInstrumentation(),
    new FastifyOtelInstrumentation({ registerOnInitialization: true }),
  ],
});
sdk.start();
