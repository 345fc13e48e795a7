// Load this before the app (node --import ./dist/telemetry.js dist/server.js): the loader hook and the
// instrumentations patch http and express as they are imported.
import { register } from 'node:module';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const metricsPort = Number(process.env.METRICS_PORT ?? 9464);
// Traces go to OTLP/HTTP only when asked (Jaeger: OTEL_EXPORTER_OTLP_ENDPOINT=http://localhost:4318).
const tracing = process.env.OTEL_EXPORTER_OTLP_ENDPOINT
  ? { traceExporter: new OTLPTraceExporter() }
  : { spanProcessors: [] };

export const sdk = new NodeSDK({
  resource: resourceFromAttributes({ 'service.name': 'express-api' }),
  metricReaders: [new PrometheusExporter({ host: '127.0.0.1', port: metricsPort })],
  ...tracing,
  logRecordProcessors: [],
  instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
});
sdk.start();
