import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { aptInstall } from './apt.js';
import { freePort, pollUntil, stopProcess } from './process.js';

export interface PrometheusBinaries {
  readonly prometheus: string;
  readonly promtool: string;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    const file = join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {}
  }
  return undefined;
}

function find(): PrometheusBinaries | undefined {
  const prometheus = process.env.PROMETHEUS_BIN ?? onPath('prometheus');
  if (prometheus === undefined) return undefined;
  const promtool = process.env.PROMTOOL_BIN ?? onPath('promtool') ?? join(dirname(prometheus), 'promtool');
  return existsSync(promtool) ? { prometheus, promtool } : undefined;
}

/** The binaries, installing them when missing and root; otherwise why the suite must be skipped. */
export function ensurePrometheus(): PrometheusBinaries | string {
  const found = find();
  if (found !== undefined) return found;
  if (process.getuid?.() !== 0) {
    return 'no prometheus/promtool binary (set PROMETHEUS_BIN, or run as root so the test can apt-get install prometheus)';
  }
  console.log('[e2e] prometheus is not installed: apt-get install -y --no-install-recommends prometheus');
  aptInstall('prometheus');
  return find() ?? 'apt-get install prometheus did not provide prometheus and promtool';
}

type Json = Record<string, unknown>;

export interface Series {
  readonly metric: Record<string, string>;
  /** `[unix seconds, value]` pairs. */
  readonly values: readonly (readonly [number, string])[];
}

export interface RunningPrometheus {
  readonly url: string;
  readonly pid: number;
  /** Evaluates `expr` at every `stepS` from `startS` to `endS` (unix seconds). */
  queryRange(expr: string, startS: number, endS: number, stepS?: number): Promise<Series[]>;
  /** `GET /api/v1/<path>`'s `data`. */
  api(path: string): Promise<Json>;
  stop(): Promise<void>;
}

/**
 * Starts a Prometheus of our own on a free 127.0.0.1 port, with a temporary data directory, scraping
 * `target` every second and evaluating `ruleFiles` every second.
 */
export async function startPrometheus(
  binary: string,
  options: { readonly target: string; readonly ruleFiles: readonly string[] },
): Promise<RunningPrometheus> {
  const dir = mkdtempSync(join(tmpdir(), 'tripswitch-e2e-prometheus-'));
  const config = join(dir, 'prometheus.yml');
  writeFileSync(
    config,
    [
      'global: { scrape_interval: 1s, evaluation_interval: 1s }',
      `rule_files: [${options.ruleFiles.map((f) => JSON.stringify(f)).join(', ')}]`,
      'scrape_configs:',
      '  - job_name: tripswitch-demo',
      `    static_configs: [{ targets: [${JSON.stringify(options.target)}] }]`,
      '',
    ].join('\n'),
  );
  const port = await freePort();
  const child: ChildProcess = spawn(
    binary,
    [
      `--config.file=${config}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    await stopProcess(child);
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await pollUntil('Prometheus ready', 30_000, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${stderr}`);
      return (await fetch(`${url}/-/ready`).catch(() => undefined))?.ok === true;
    });
  } catch (error) {
    await stop();
    throw error;
  }

  const api = async (path: string): Promise<Json> => {
    const response = await fetch(`${url}/api/v1/${path}`, { signal: AbortSignal.timeout(10_000) });
    const body = (await response.json()) as { status: string; data: Json; error?: string };
    if (body.status !== 'success') throw new Error(`GET /api/v1/${path}: ${body.error ?? response.status}`);
    return body.data;
  };
  // Service discovery hands targets to the scrapers every 5 s: until then nothing is scraped. Waiting here
  // means a process started afterwards is scraped within a second of coming up.
  await pollUntil('the scrape target to be active', 15_000, async () => {
    const { activeTargets } = (await api('targets')) as { activeTargets: { scrapeUrl: string }[] };
    return activeTargets.some((t) => t.scrapeUrl.includes(options.target));
  }).catch(async (error: unknown) => {
    await stop();
    throw error;
  });
  return {
    url,
    pid: child.pid!,
    api,
    async queryRange(expr, startS, endS, stepS = 1) {
      const q = new URLSearchParams({
        query: expr,
        start: String(startS),
        end: String(endS),
        step: String(stepS),
      });
      return (await api(`query_range?${q}`)).result as Series[];
    },
    stop,
  };
}
