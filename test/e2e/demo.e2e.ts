import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashboardQueries, FILES, toPromQL } from '../../examples/observability/src/dashboard.js';
import { type DemoProcess, startDemo } from './demo-process.js';
import { type OtlpReceiver, SPAN_KIND, startOtlpReceiver } from './otlp-receiver.js';
import { freePort, isRunning, pollUntil } from './process.js';
import { ensurePrometheus, type RunningPrometheus, type Series, startPrometheus } from './prometheus.js';
import { checkTraceChain } from './trace-chain.js';

// `npm run test:e2e`: the demo, built, runs a scripted trip and recovery while a Prometheus of our own
// scrapes it every second and evaluates the shipped alert rules, and a small OTLP/JSON receiver collects its
// spans. Then: every dashboard query and rule expression returns data, the alerts fire, the traces link up.
//
// A short, deterministic run: 4 s healthy, an outage (errors, then a hang), a short recovery so that the
// 503 + Retry-After meets closed breakers (which it then opens, reason retry_after), and healthy again.
const PHASES = 'healthy:4,erroring:4,hanging:2,healthy:4,unavailable:4,healthy:7';
const DURATION_S = 25;
const OPEN_BREAKER = 'quotes-upstream';
/** The Koa API's upstream client: the global fetch through @tripswitch/fetch (quotes-upstream is Axios). */
const FETCH_BREAKER = 'orders-upstream';
const ALERTS = ['CircuitBreakerOpen', 'CircuitBreakerFlapping', 'CircuitBreakerRejectionShareRising'];

const binaries = ensurePrometheus();
if (typeof binaries === 'string') {
  console.warn(`\n${'!'.repeat(100)}\n[e2e] SKIPPED: ${binaries}\n${'!'.repeat(100)}\n`);
}

const hasData = (series: readonly Series[]) =>
  series.some((s) => s.values.some(([, v]) => Number.isFinite(Number(v))));

describe.skipIf(typeof binaries === 'string')('npm run demo, scraped by a real Prometheus', () => {
  const bin = binaries as Exclude<typeof binaries, string>;
  let prometheus: RunningPrometheus | undefined;
  let receiver: OtlpReceiver | undefined;
  let demo: DemoProcess | undefined;
  let exitCode: number | null = null;
  let startS = 0;
  let endS = 0;
  /** Instant samples of the open breaker's `open` status, taken while the demo ran. */
  const openSamples: { atMs: number; value: number }[] = [];
  const alertStates = new Map<string, Set<string>>();

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    const metricsPort = await freePort();
    prometheus = await startPrometheus(bin.prometheus, {
      target: `127.0.0.1:${metricsPort}`,
      ruleFiles: [fileURLToPath(FILES.alerts)],
    });
    startS = Date.now() / 1000;
    demo = startDemo(
      // Fast resets and a short Retry-After, so the breakers flap (and recover) within seconds.
      [
        ...['--duration', String(DURATION_S), '--phases', PHASES, '--rate', '30'],
        ...['--reset-timeout', '700', '--retry-after', '2', '--metrics-port', String(metricsPort)],
      ],
      {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.endpoint,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '1000',
      },
    );
    let done = false;
    void demo.exited.then((code) => {
      exitCode = code;
      done = true;
    });
    // While the demo runs: the open breaker's status and the alerts' states, once a second.
    const status = `tripswitch_breaker_status{tripswitch_breaker_name="${OPEN_BREAKER}",tripswitch_breaker_state="open"}`;
    const deadline = Date.now() + (DURATION_S + 20) * 1000;
    while (!done && Date.now() < deadline) {
      const [open, alerts] = await Promise.all([
        prometheus.api(`query?${new URLSearchParams({ query: status })}`),
        prometheus.api('alerts'),
      ]);
      for (const r of open.result as { value: [number, string] }[]) {
        openSamples.push({ atMs: Date.now(), value: Number(r.value[1]) });
      }
      for (const a of alerts.alerts as { labels: { alertname: string }; state: string }[]) {
        alertStates.set(a.labels.alertname, (alertStates.get(a.labels.alertname) ?? new Set()).add(a.state));
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
    endS = Date.now() / 1000;
  });

  /**
   * The names of the queries that have not returned data over the run, polled for up to 15 s (rules are
   * evaluated, and the last scrapes ingested, a moment after the demo ends).
   */
  async function withoutData(queries: readonly (readonly [string, string])[]): Promise<string[]> {
    let empty: string[] = queries.map(([name]) => name);
    await pollUntil('every query to return data', 15_000, async () => {
      const results = await Promise.all(queries.map(([, q]) => prometheus!.queryRange(q, startS, endS)));
      empty = queries.filter((_, i) => !hasData(results[i]!)).map(([name]) => name);
      return empty.length === 0;
    }).catch(() => {});
    return empty;
  }

  afterAll(async () => {
    const pids = [demo?.pid, prometheus?.pid].filter((pid) => pid !== undefined);
    await demo?.stop();
    await prometheus?.stop();
    await receiver?.close();
    for (const pid of pids) expect(isRunning(pid), `process ${pid} is stopped`).toBe(false);
  });

  it('runs the scripted trip and recovery, then exits cleanly', () => {
    const output = demo!.output();
    expect(exitCode, output).toBe(0);
    expect(output).toContain('telemetry shut down cleanly');
    // The SDK line a user on this Node installs: 3.x from Node 22.15 on, 2.x before.
    const [major, minor] = process.versions.node.split('.').map(Number);
    const line = major! > 22 || (major === 22 && minor! >= 15) ? '3.x' : '2.x';
    expect(output).toContain(`(OpenTelemetry SDK ${line}, Node ${process.versions.node})`);
    expect(demo!.phases.map((p) => p.mode)).toEqual(PHASES.split(',').map((p) => p.split(':')[0]));
    const mine = demo!.transitions.filter((t) => t.breaker === OPEN_BREAKER);
    expect(mine[0], output).toMatchObject({ from: 'closed', to: 'open' });
    expect(mine.map((t) => t.reason)).toContain('retry_after');
    expect(mine.at(-1), output).toMatchObject({ from: 'half_open', to: 'closed', reason: 'trial_succeeded' });
  });

  it(`${FETCH_BREAKER}, the fetch client's breaker, trips in the outage and closes again`, () => {
    const output = demo!.output();
    const mine = demo!.transitions.filter((t) => t.breaker === FETCH_BREAKER);
    expect(mine[0], output).toMatchObject({ from: 'closed', to: 'open', reason: 'consecutive_failures' });
    expect(mine.at(-1), output).toMatchObject({ from: 'half_open', to: 'closed', reason: 'trial_succeeded' });
  });

  it("exports the fetch client's spans (instrumentation-undici), inside the Koa request's trace", () => {
    // Only the Koa API calls /orders/ upstream, and only through fetch (node:http's instrumentation does not see it).
    const client = receiver!.spans.filter(
      (s) => s.kind === SPAN_KIND.CLIENT && String(s.attributes['url.full']).includes('/orders/'),
    );
    expect(client.length, 'client spans of the GET /orders/… upstream calls').toBeGreaterThan(0);
    expect(client.map((s) => s.attributes['http.response.status_code'])).toEqual(
      expect.arrayContaining([200, 500, 503]),
    );
    const servers = new Set(receiver!.spans.filter((s) => s.kind === SPAN_KIND.SERVER).map((s) => s.traceId));
    expect(client.every((s) => s.parentSpanId !== undefined && servers.has(s.traceId))).toBe(true);
  });

  it(`reports tripswitch_breaker_status{state="open"} 1 for ${OPEN_BREAKER} during the outages, 0 before`, async () => {
    const at = demo!.phases.map((p) => p.atMs);
    // Samples taken within [from, to), give or take the second a scrape may lag behind.
    const values = (from: number, to: number) =>
      openSamples.filter((s) => s.atMs > from + 1000 && s.atMs < to).map((s) => s.value);
    expect(values(0, at[1]! - 1000).length, 'samples before the outage').toBeGreaterThan(0);
    expect(values(0, at[1]! - 1000).every((v) => v === 0)).toBe(true);
    expect(values(at[1]!, at[3]!), 'errors, then a hang').toContain(1);
    expect(values(at[4]!, at[5]!), '503 + Retry-After').toContain(1);
    const closed = await prometheus!.queryRange(
      `tripswitch_breaker_status{tripswitch_breaker_name="${OPEN_BREAKER}",tripswitch_breaker_state="closed"}`,
      at[5]! / 1000 + 5,
      endS,
    );
    expect(closed.flatMap((s) => s.values.map(([, v]) => v)).at(-1), 'closed again at the end').toBe('1');
  });

  it('every PromQL query of the Grafana dashboard returns data', async () => {
    const queries = dashboardQueries();
    expect(queries.length).toBeGreaterThanOrEqual(6);
    const empty = await withoutData(queries.map((q) => [`${q.panel} (${q.refId})`, toPromQL(q.expr)]));
    expect(empty).toEqual([]);
  });

  it('the state panel encodes open as 2 and closed as 0 (its value mappings)', async () => {
    const panel = dashboardQueries().find((q) => q.panel === 'Breaker state over time')!;
    const series = await prometheus!.queryRange(toPromQL(panel.expr), startS, endS);
    const values = series
      .find((s) => s.metric.tripswitch_breaker_name === OPEN_BREAKER)
      ?.values.map(([, v]) => v);
    expect(values).toContain('2');
    expect(values?.at(-1)).toBe('0');
  });

  it('loads every rule of prometheus-alerts.yml, evaluates it without error, and each expression returns data', async () => {
    const groups = (await prometheus!.api('rules')).groups as {
      rules: { name: string; query: string; health: string; lastError?: string }[];
    }[];
    const rules = groups.flatMap((g) => g.rules);
    expect(rules.map((r) => r.name)).toEqual(expect.arrayContaining(ALERTS));
    for (const { name, health, lastError } of rules) {
      expect({ name, health, lastError: lastError ?? '' }).toEqual({ name, health: 'ok', lastError: '' });
    }
    const empty = await withoutData(rules.map((r) => [r.name, r.query]));
    expect(empty).toEqual([]);
  });

  it('each alert went pending or firing during the outage', () => {
    for (const alert of ALERTS) expect(alertStates.get(alert)?.size ?? 0, alert).toBeGreaterThan(0);
  });

  it('exports the trace chain over OTLP/HTTP JSON: request → reject → transition → failing requests', () => {
    expect(receiver!.rejected).toEqual([]);
    const chain = checkTraceChain(receiver!.spans);
    expect(chain.problems).toEqual([]);
    expect(chain.found).toBeGreaterThan(0);
  });

  it('passes promtool check rules and check config on the shipped files', () => {
    for (const args of [
      ['check', 'rules', fileURLToPath(FILES.alerts)],
      ['check', 'config', fileURLToPath(FILES.prometheusConfig)],
    ]) {
      expect(execFileSync(bin.promtool, args, { encoding: 'utf8' })).toContain('SUCCESS');
    }
  });
});
