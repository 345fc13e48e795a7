// The entry point of `npm run demo`. Only the command line is read up front; then the OpenTelemetry SDK
// starts, and express, koa and axios are imported after it, so its instrumentations can patch them.
import { HELP, readArgs } from './args.js';

let args: ReturnType<typeof readArgs>;
try {
  args = readArgs(process.argv.slice(2), process.stdout.isTTY === true);
} catch (error) {
  console.error(`${(error as Error).message}\n\n${HELP}`);
  process.exit(2);
}
if (args === undefined) {
  process.stdout.write(HELP);
  process.exit(0);
}

// `npm run demo | head`: once the reader is gone there is nobody left to show anything to.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(0);
  throw error;
});

console.log('tripswitch demo: starting OpenTelemetry, the upstream and the APIs…');
const { ConsoleSpanView } = await import('./console-spans.js');
const { startTelemetry } = await import('./telemetry.js');
const { loadSdkLine } = await import('./sdk-line.js');

// Lines from the span view go to the terminal view once it exists.
const output = { log: (line: string) => console.log(line) };
const spanView = new ConsoleSpanView((line) => output.log(line));
const metrics = {
  url: `http://${args.metricsHost}:${args.metricsPort}/metrics`,
  error: undefined as Error | undefined,
};
const telemetry = startTelemetry(await loadSdkLine(), {
  metricsPort: args.metricsPort,
  metricsHost: args.metricsHost,
  consoleSpans: spanView,
  onMetricsServer: (error) => {
    metrics.error = error;
    if (error !== undefined)
      output.log(`metrics: cannot listen on port ${args.metricsPort} (${error.message}); try --metrics-port`);
  },
});

const { runDemo } = await import('./run.js');
process.exitCode = await runDemo({ args, telemetry, output, spanView, metrics });
process.exit();
