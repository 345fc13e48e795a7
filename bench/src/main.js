/**
 * `npm run bench [-- --quick]`: tripswitch side by side with opossum and cockatiel, one table per group
 * (issue 7), then the targets table. Progress goes to stderr, the report (Markdown) to stdout.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runWindowGroup } from './groups/failure-window.js';
import { runHttpGroup } from './groups/http.js';
import { runMemoryGroup } from './groups/memory.js';
import { loadMicroGroup } from './groups/micro-groups.js';
import { parseArgs, USAGE } from './lib/args.js';
import { runMicroGroup } from './lib/micro.js';
import { httpTables, memoryTable, microTable, targetsTable, windowTable } from './report.js';
import { judge } from './targets.js';

const GROUPS = ['success', 'failure', 'open', 'window', 'memory', 'telemetry', 'http'];

function log(line) {
  process.stderr.write(`${line}\n`);
}

/** The installed version, read from the nearest node_modules (some packages do not export package.json). */
function versionOf(name) {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    try {
      return JSON.parse(readFileSync(join(dir, 'node_modules', name, 'package.json'), 'utf8')).version;
    } catch {
      const up = dirname(dir);
      if (up === dir) return 'not installed';
      dir = up;
    }
  }
}

function git(...args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

function machine() {
  const cpuModel = os.cpus()[0]?.model ?? 'unknown';
  const commit = git('rev-parse', '--short', 'HEAD');
  const dirty = git(
    'status',
    '--porcelain',
    '--',
    'packages/core/src',
    'packages/express/src',
    'packages/koa/src',
  );
  const libs = [
    '@tripswitch/core',
    'opossum',
    'cockatiel',
    'mitata',
    'autocannon',
    'express',
    'koa',
    '@koa/router',
    '@opentelemetry/api',
    '@opentelemetry/sdk-metrics',
    '@opentelemetry/sdk-trace-base',
  ];
  return {
    date: new Date().toISOString(),
    cpu: cpuModel,
    cores: os.availableParallelism(),
    node: process.version,
    platform: `${os.platform()} ${os.release()}`,
    loadStart: os.loadavg(),
    commit:
      commit === undefined
        ? 'unknown'
        : `${commit}${dirty ? ' + uncommitted changes in packages/*/src' : ''}`,
    versions: Object.fromEntries(libs.map((l) => [l, versionOf(l)])),
  };
}

function header(m, quick) {
  const versions = Object.entries(m.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `## tripswitch benchmarks${quick ? ' (--quick: proves the groups run; the numbers mean little)' : ''}`,
    '',
    `- date: ${m.date}`,
    `- machine: ${m.cores} cores, ${m.cpu}, ${m.platform}; Node.js ${m.node}`,
    `- load average at start: ${m.loadStart.map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`,
    `- tripswitch at ${m.commit}`,
    `- versions: ${versions}`,
  ].join('\n');
}

async function main() {
  const args = parseArgs();
  if (args.help) {
    console.log(USAGE);
    return 0;
  }
  const only = args.only ?? GROUPS;
  for (const g of only) if (!GROUPS.includes(g)) throw new Error(`no group ${g}: ${GROUPS.join(', ')}`);
  const quick = args.quick;
  const roundsFor = (full) => args.rounds ?? (quick ? 1 : full);
  const m = machine();
  console.log(`${header(m, quick)}\n`);

  const results = {};
  const failures = [];
  const started = performance.now();
  for (const id of GROUPS.filter((g) => only.includes(g))) {
    const t0 = performance.now();
    log(`[bench] group ${id}...`);
    try {
      let text;
      if (['success', 'failure', 'open', 'telemetry'].includes(id)) {
        const group = await loadMicroGroup(id);
        const rounds = roundsFor(5);
        results[id] = await runMicroGroup(group, { rounds, quick, log });
        text = microTable(group, results[id], rounds);
      } else if (id === 'window') {
        const rounds = roundsFor(3);
        results.window = await runWindowGroup({ rounds, quick, log });
        text = windowTable(results.window, rounds);
      } else if (id === 'memory') {
        const rounds = roundsFor(2);
        results.memory = await runMemoryGroup({ rounds, quick, log });
        text = memoryTable(results.memory, rounds);
      } else {
        const rounds = roundsFor(3);
        results.http = await runHttpGroup({ rounds, quick, log, frameworks: args.frameworks });
        text = httpTables(results.http, rounds);
      }
      console.log(`${text}\n`);
      log(`[bench] group ${id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      failures.push(id);
      console.log(`### group ${id} FAILED\n\n\`\`\`\n${error?.stack ?? error}\n\`\`\`\n`);
      log(`[bench] group ${id} FAILED: ${error?.message ?? error}`);
    }
  }

  console.log(targetsTable(judge(results)));
  if (quick)
    console.log('\n(--quick: tiny iteration counts and no warm-up; these verdicts say nothing about speed.)');
  const seconds = (performance.now() - started) / 1000;
  console.log(
    `\nRan ${Object.keys(results).length} group(s) in ${seconds.toFixed(0)} s; load average at the end: ${os
      .loadavg()
      .map((l) => l.toFixed(2))
      .join(' / ')}.`,
  );
  if (args.json !== undefined)
    writeFileSync(args.json, `${JSON.stringify({ machine: m, quick, results }, null, 2)}\n`);
  if (failures.length > 0) {
    console.log(`\nFAILED groups: ${failures.join(', ')}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
