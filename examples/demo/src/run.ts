import { BreakerRegistry } from '@tripswitch/core';
import type { DemoArgs } from './args.js';
import type { ConsoleSpanView } from './console-spans.js';
import { startExpressApi } from './express-api.js';
import { startKoaApi } from './koa-api.js';
import { startLoad } from './load.js';
import { MODE_DESCRIPTIONS, runSchedule } from './schedule.js';
import type { Telemetry } from './telemetry.js';
import { closeServer, startFlakyUpstream } from './upstream.js';
import { View } from './view.js';

/** A shutdown that takes longer than this is reported and cut short. */
const SHUTDOWN_LIMIT_MS = 10_000;

export interface DemoContext {
  readonly args: DemoArgs;
  readonly telemetry: Telemetry;
  readonly output: { log: (line: string) => void };
  readonly spanView: ConsoleSpanView;
  readonly metrics: { readonly url: string; readonly error: Error | undefined };
}

/** Resolves after `ms`, or on the first SIGINT / SIGTERM; a second Ctrl-C exits at once. */
function untilDoneOrInterrupted(ms: number): Promise<string> {
  return new Promise((resolve) => {
    const onInterrupt = () => done('interrupted');
    const onTerminate = () => done('terminated');
    const timer = setTimeout(() => done('duration reached'), ms);
    process.once('SIGINT', onInterrupt);
    process.once('SIGTERM', onTerminate);
    function done(why: string): void {
      clearTimeout(timer);
      process.off('SIGINT', onInterrupt);
      process.off('SIGTERM', onTerminate);
      process.once('SIGINT', () => process.exit(130));
      resolve(why);
    }
  });
}

/** Runs the whole demo and returns the exit code. */
export async function runDemo({ args, telemetry, output, spanView, metrics }: DemoContext): Promise<number> {
  const registry = new BreakerRegistry();
  const upstream = await startFlakyUpstream(args.retryAfterSeconds);
  const expressApi = await startExpressApi(upstream.origin, registry, args.resetTimeoutMs);
  const koaApi = await startKoaApi(upstream.origin, registry, args.resetTimeoutMs);
  const view = new View({
    registry,
    live: args.live,
    color: args.live && process.env.NO_COLOR === undefined,
    status: () =>
      `upstream ${upstream.mode} · requests ${load.sent}/${args.maxRequests} · metrics ${
        metrics.error === undefined ? `:${args.metricsPort}` : 'off'
      } · traces ${telemetry.tracesTo === 'console' ? `console, ${spanView.spans} spans` : 'OTLP'}`,
  });
  output.log = (line) => view.log(line);

  console.log(
    [
      'Breakers per route (Express, Koa) and per upstream (Axios, fetch), all on 127.0.0.1:',
      `  upstream     ${upstream.origin}  (cycles: ${args.phases.map((p) => `${p.mode} ${p.durationMs / 1000}s`).join(' → ')})`,
      `  Express API  ${expressApi.origin}  GET /quotes/:symbol (upstream via Axios), GET /profile/:id, GET /health/breakers`,
      `  Koa API      ${koaApi.origin}  GET /orders/:id (upstream via fetch), GET /health/breakers`,
      `  status page  ${expressApi.origin}/breakers/  (live tiles of every breaker; open it in a browser)`,
      `  metrics      ${metrics.url}  (OpenTelemetry SDK ${telemetry.sdk}, Node ${process.versions.node})`,
      `  traces       ${telemetry.tracesTo === 'console' ? 'console (set OTEL_EXPORTER_OTLP_ENDPOINT to export)' : telemetry.tracesTo}`,
      `  load         ${args.ratePerSecond} requests/s, at most ${args.maxRequests}; stops after ${args.durationMs / 1000} s (Ctrl-C: now)`,
      '',
    ].join('\n'),
  );
  const load = startLoad({
    targets: [
      `${expressApi.origin}/quotes/ACME`,
      `${koaApi.origin}/orders/17`,
      `${expressApi.origin}/quotes/INIT`,
      `${koaApi.origin}/orders/42`,
      `${expressApi.origin}/profile/7`,
    ],
    ratePerSecond: args.ratePerSecond,
    maxRequests: args.maxRequests,
  });
  const stopSchedule = runSchedule(args.phases, (phase) => {
    upstream.mode = phase.mode;
    view.log(`upstream is ${phase.mode}: it ${MODE_DESCRIPTIONS[phase.mode]}`);
  });
  view.start();

  const why = await untilDoneOrInterrupted(args.durationMs);
  const limit = setTimeout(() => {
    console.error(`shutdown took more than ${SHUTDOWN_LIMIT_MS} ms; exiting anyway`);
    process.exit(1);
  }, SHUTDOWN_LIMIT_MS).unref();
  stopSchedule();
  await load.stop();
  view.stop();
  expressApi.closeStreams?.();
  await Promise.all([closeServer(expressApi.server), closeServer(koaApi.server), upstream.close()]);
  // Flushes the spans still batched for OTLP and stops the metrics endpoint.
  await telemetry.shutdown();
  clearTimeout(limit);

  const statuses = [...load.statuses].map(([status, n]) => `${status}: ${n}`).join(', ');
  const spans = telemetry.tracesTo === 'console' ? `${spanView.spans} spans, ` : '';
  console.log(`\n${why}: sent ${load.sent} requests (${statuses}); ${spans}telemetry shut down cleanly`);
  return 0;
}
