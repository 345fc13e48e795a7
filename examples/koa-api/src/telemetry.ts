// Load this before the app (node --import ./dist/telemetry.js dist/server.js): the loader hook and the
// instrumentations patch http, koa and @koa/router as they are imported.
import { register } from 'node:module';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);

const otlp = process.env.OTEL_EXPORTER_OTLP_ENDPOINT !== undefined; // e.g. http://localhost:4318 (Jaeger)

export const sdk = new NodeSDK({
  resource: resourceFromAttributes({ 'service.name': 'koa-api' }),
  metricReaders: [
    new PrometheusExporter({ host: '127.0.0.1', port: Number(process.env.METRICS_PORT ?? 9464) }),
  ],
  // No endpoint, no traces: without `spanProcessors` the SDK would export to localhost:4318 anyway.
  ...(otlp ? { traceExporter: new OTLPTraceExporter() } : { spanProcessors: [] }),
  logRecordProcessors: [],
  instrumentations: [new HttpInstrumentation(), new KoaInstrumentation()],
});
sdk.start();
