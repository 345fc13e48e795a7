// @ts-check
/** What a report says about where it ran: machine, Node.js version, load, commit and library versions. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const HERE = dirname(fileURLToPath(import.meta.url));
/** Where the OpenTelemetry SDK 3.x line is installed (`--sdk 3`): the workspace that tests on it. */
const SDK3_WORKSPACE = join(HERE, '..', '..', '..', 'test-sdk3');

/**
 * The installed version, read from the node_modules nearest to `from` (some packages do not export
 * package.json). @param {string} name @param {string} [from] @returns {string}
 */
function versionOf(name, from = HERE) {
  let dir = from;
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

/** @param {string[]} args */
function git(...args) {
  try {
    return execFileSync('git', args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
  } catch {
    return undefined;
  }
}

/** @param {'2' | '3'} sdkLine the OpenTelemetry SDK line the run's SDK cases register */
export function machine(sdkLine) {
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
    versions: {
      ...Object.fromEntries(libs.map((l) => [l, versionOf(l)])),
      ...(sdkLine === '3'
        ? {
            '@opentelemetry/sdk-metrics': versionOf('@opentelemetry/sdk-metrics', SDK3_WORKSPACE),
            '@opentelemetry/sdk-trace': versionOf('@opentelemetry/sdk-trace', SDK3_WORKSPACE),
          }
        : {
            '@opentelemetry/sdk-metrics': versionOf('@opentelemetry/sdk-metrics'),
            '@opentelemetry/sdk-trace-base': versionOf('@opentelemetry/sdk-trace-base'),
          }),
    },
  };
}

/** @param {ReturnType<typeof machine>} m @param {boolean} quick */
export function header(m, quick) {
  const versions = Object.entries(m.versions)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  return [
    `## tripswitch benchmarks${quick ? ' (--quick: proves the groups run; the numbers mean little)' : ''}`,
    '',
    `- date: ${m.date}`,
    `- Node.js ${m.node}`,
    `- machine: ${m.cores} cores, ${m.cpu}, ${m.platform}`,
    `- load average at start: ${m.loadStart.map((l) => l.toFixed(2)).join(' / ')} (1 / 5 / 15 min)`,
    `- tripswitch at ${m.commit}`,
    `- versions: ${versions}`,
  ].join('\n');
}
