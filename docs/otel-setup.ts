// telemetry.ts: load it first (node --import ./telemetry.js app.js) so instrumentations patch http/express.
// In a CommonJS app (node --require ./telemetry.js app.js) leave out the two `register` lines.
import { register } from 'node:module';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url); // ESM: without it, no Express spans
const sdk = new NodeSDK({
  resource: resourceFromAttributes({ 'service.name': 'checkout' }),
  traceExporter: new OTLPTraceExporter({ url: 'http://localhost:4318/v1/traces' }), // Jaeger's OTLP/HTTP port
  metricReaders: [new PrometheusExporter({ port: 9464 })], // Prometheus scrapes http://localhost:9464/metrics
  instrumentations: [new HttpInstrumentation(), new ExpressInstrumentation()],
});
sdk.start();
process.once('SIGTERM', () => void sdk.shutdown().finally(() => process.exit(0)));
