import type { IncomingMessage } from 'node:http';
import type { Context } from '@opentelemetry/api';

/** The span processor shape both SDK lines accept (the demo's console view implements it). */
export interface SpanProcessorLike {
  onStart(span: never, context: Context): void;
  onEnd(span: never): void;
  forceFlush(): Promise<void>;
  shutdown(): Promise<void>;
}

interface Instrumentation {
  readonly instrumentationName: string;
}

/**
 * The pieces of one OpenTelemetry SDK line the demo starts: the 2.x line (Node 20) in `sdk2.ts`, the 3.x
 * line (Node ≥ 22.15) in the `@tripswitch/example-demo-sdk3` workspace. The two lines cannot share one
 * `node_modules`: 2.x wants `@opentelemetry/api` < 1.10, 3.x wants 1.10.
 */
export interface SdkLine {
  /** `2.x` or `3.x`, printed in the banner. */
  readonly label: string;
  /** The ESM loader hook of this line's `@opentelemetry/instrumentation`, as a resolved URL. */
  readonly loaderHook: string;
  readonly NodeSDK: new (config: {
    resource: unknown;
    metricReaders: unknown[];
    spanProcessors?: SpanProcessorLike[];
    logRecordProcessors: unknown[];
    instrumentations: Instrumentation[];
  }) => { start(): void; shutdown(): Promise<void> };
  readonly PrometheusExporter: new (
    config: { host: string; port: number },
    callback: (error?: Error) => void,
  ) => unknown;
  readonly HttpInstrumentation: new (config: {
    ignoreIncomingRequestHook: (request: IncomingMessage) => boolean;
  }) => Instrumentation;
  readonly ExpressInstrumentation: new () => Instrumentation;
  readonly KoaInstrumentation: new () => Instrumentation;
  /** Spans for the global `fetch` (undici). Construct it enabled: one made with `enabled: false` never makes spans. */
  readonly UndiciInstrumentation: new (config: {
    requireParentforSpans: boolean;
  }) => Instrumentation;
  readonly resourceFromAttributes: (attributes: Record<string, string>) => unknown;
}

/** Node ≥ 22.15 runs the SDK 3.x line; older Node the 2.x line. */
export function sdk3Runs(version = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.split('.').map(Number);
  return major > 22 || (major === 22 && minor >= 15);
}

/**
 * The SDK line for this Node: 3.x on Node ≥ 22.15, as a user on today's Node installs it, else 2.x.
 * `TRIPSWITCH_DEMO_SDK=2` or `=3` overrides the choice.
 */
export async function loadSdkLine(env = process.env.TRIPSWITCH_DEMO_SDK): Promise<SdkLine> {
  if (env !== undefined && env !== '' && env !== '2' && env !== '3') {
    throw new Error(`TRIPSWITCH_DEMO_SDK must be 2 or 3, got ${JSON.stringify(env)}`);
  }
  const three = env === '3' || ((env === undefined || env === '') && sdk3Runs());
  if (three) return (await import('@tripswitch/example-demo-sdk3')).sdk3 as unknown as SdkLine;
  return (await import('./sdk2.js')).sdk2;
}
