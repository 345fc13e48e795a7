import { parseArgs } from 'node:util';
import { MAX_RATE_PER_S } from './load.js';
import { DEFAULT_PHASES, type Phase, parsePhases } from './schedule.js';

export interface DemoArgs {
  readonly durationMs: number;
  readonly metricsPort: number;
  readonly metricsHost: string;
  readonly ratePerSecond: number;
  readonly maxRequests: number;
  readonly phases: readonly Phase[];
  readonly retryAfterSeconds: number;
  readonly resetTimeoutMs: number;
  /** Redraw the table in place; false prints plain lines (the default when stdout is not a terminal). */
  readonly live: boolean;
}

export const HELP = `Usage: npm run demo -- [options]

A flaky upstream, an Express API and a Koa API with tripswitch breakers (per route, and per upstream
through Axios and fetch), a bounded load generator and OpenTelemetry, all in one process on 127.0.0.1.
The upstream cycles through its phases (healthy → erroring → hanging → 503 with Retry-After → healthy)
and the live table shows the breakers trip and recover.

Options:
  --duration <s>        stop after this many seconds (default 60; Ctrl-C stops earlier)
  --metrics-port <n>    Prometheus metrics on http://127.0.0.1:<n>/metrics (default 9464)
  --metrics-host <addr> the address the metrics endpoint listens on (default 127.0.0.1; 0.0.0.0
                        lets a Prometheus in a container scrape it)
  --rate <n>            requests per second sent to the APIs (default 20, at most ${MAX_RATE_PER_S})
  --max-requests <n>    stop the load after this many requests (default: rate × duration)
  --phases <list>       the upstream's cycle, repeated: mode:seconds,… with the modes healthy,
                        erroring, hanging and unavailable
                        (default ${DEFAULT_PHASES})
  --retry-after <s>     the Retry-After the upstream sends while unavailable (default 2)
  --reset-timeout <ms>  how long the breakers stay open before a trial call (default 2000)
  --plain               print plain lines instead of redrawing the table (automatic when
                        stdout is not a terminal)
  -h, --help            show this help

Traces: set OTEL_EXPORTER_OTLP_ENDPOINT (e.g. http://localhost:4318 for Jaeger) to export them over OTLP
(OTEL_EXPORTER_OTLP_PROTOCOL: http/protobuf by default, http/json or grpc); otherwise, after each trip,
the trace of the first rejected request is summed up in one line. See examples/observability for Jaeger, Prometheus and Grafana.

OpenTelemetry SDK: the 3.x line on Node >= 22.15, the 2.x line on older Node (TRIPSWITCH_DEMO_SDK=2 or 3
chooses one).
`;

function number(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!(Number.isFinite(value) && value >= min && value <= max)) {
    throw new RangeError(`--${flag} must be a number from ${min} to ${max}, got "${text}"`);
  }
  return value;
}

/**
 * Reads the command line; `undefined` when help was asked for.
 * @throws TypeError or RangeError naming the bad flag and value.
 */
export function readArgs(argv: readonly string[], stdoutIsTerminal: boolean): DemoArgs | undefined {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string' },
      'metrics-port': { type: 'string' },
      'metrics-host': { type: 'string' },
      rate: { type: 'string' },
      'max-requests': { type: 'string' },
      phases: { type: 'string' },
      'retry-after': { type: 'string' },
      'reset-timeout': { type: 'string' },
      plain: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help === true) return undefined;
  const durationS = number('duration', values.duration, 60, 1, 24 * 3600);
  const ratePerSecond = number('rate', values.rate, 20, 1, MAX_RATE_PER_S);
  return {
    durationMs: durationS * 1000,
    metricsPort: Math.trunc(number('metrics-port', values['metrics-port'], 9464, 1, 65535)),
    metricsHost: values['metrics-host'] ?? '127.0.0.1',
    ratePerSecond,
    maxRequests: Math.trunc(
      number('max-requests', values['max-requests'], ratePerSecond * durationS, 1, 1e7),
    ),
    phases: parsePhases(values.phases ?? DEFAULT_PHASES),
    retryAfterSeconds: Math.trunc(number('retry-after', values['retry-after'], 2, 1, 3600)),
    resetTimeoutMs: number('reset-timeout', values['reset-timeout'], 2000, 100, 600_000),
    live: stdoutIsTerminal && values.plain !== true,
  };
}
