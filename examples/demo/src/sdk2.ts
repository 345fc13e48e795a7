import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { ExpressInstrumentation } from '@opentelemetry/instrumentation-express';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { KoaInstrumentation } from '@opentelemetry/instrumentation-koa';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import type { SdkLine } from './sdk-line.js';

/** The OpenTelemetry SDK 2.x line (sdk-node 0.223, sdk-* 2.12), for Node 20. */
export const sdk2 = {
  label: '2.x',
  loaderHook: import.meta.resolve('@opentelemetry/instrumentation/hook.mjs'),
  NodeSDK,
  PrometheusExporter,
  HttpInstrumentation,
  ExpressInstrumentation,
  KoaInstrumentation,
  UndiciInstrumentation,
  resourceFromAttributes,
} as unknown as SdkLine;
