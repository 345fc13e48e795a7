import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';

/**
 * The OpenTelemetry SDK 3.x line (sdk-node 0.301, sdk-* 3.1, api 1.10) for the demo on Node ≥ 22.15.
 * Its own workspace, because the 2.x line of the demo needs `@opentelemetry/api` < 1.10.
 */
export const sdk3 = {
  label: '3.x',
  loaderHook: import.meta.resolve('@opentelemetry/instrumentation/hook.mjs'),
  NodeSDK,
  PrometheusExporter,
  HttpInstrumentation,
  ExpressInstrumentation,
  KoaInstrumentation,
  UndiciInstrumentation,
  resourceFromAttributes,
};
