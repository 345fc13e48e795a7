// @ts-check
/**
 * heap bytes per breaker (each configuration in its own `--expose-gc` process), and whether
 * anything keeps a process alive once it has created, used and tripped many breakers.
 */
import { fileURLToPath } from 'node:url';
import { runNode, runNodeOrThrow } from '../../lib/child.js';
import { bytes, int, ratio, spread, table } from '../../lib/format.js';
import { section } from '../../lib/report.js';
import { median, rotate, summarize } from '../../lib/stats.js';
import { perRound } from '../../lib/targets.js';
import { CONFIGS } from './child.js';

const MEMORY = fileURLToPath(new URL('./child.js', import.meta.url));
const KEEPALIVE = fileURLToPath(new URL('./keepalive.js', import.meta.url));
export const INSTANCES = 10_000;

export async function runMemoryGroup({ rounds, quick, log }) {
  const ids = Object.keys(CONFIGS);
  const per = new Map(ids.map((id) => [id, { newBytes: [], usedBytes: [], newToFloor: [] }]));
  for (let r = 0; r < rounds; r++) {
    let floor;
    for (const id of [
      'floor',
      ...rotate(
        ids.filter((i) => i !== 'floor'),
        r,
      ),
    ]) {
      const res = await runNodeOrThrow(MEMORY, [id, String(INSTANCES)], {
        nodeArgs: ['--expose-gc'],
        timeoutMs: 60_000,
      });
      floor ??= res.newBytes;
      const slot = per.get(id);
      slot.newBytes.push(res.newBytes);
      slot.usedBytes.push(res.usedBytes);
      slot.newToFloor.push(res.newBytes / floor);
      log?.(
        `  round ${r + 1}/${rounds}  ${id}: ${Math.round(res.newBytes)} B new, ${Math.round(res.usedBytes)} B after a call`,
      );
    }
  }
  const configs = {};
  for (const id of ids) {
    const s = per.get(id);
    configs[id] = {
      label: CONFIGS[id].label,
      rule: CONFIGS[id].rule,
      perRound: s,
      newBytes: summarize(s.newBytes),
      usedBytes: summarize(s.usedBytes),
      newToFloor: summarize(s.newToFloor),
    };
  }

  const limitMs = quick ? 10_000 : 20_000;
  const perLibrary = quick ? 1_000 : INSTANCES;
  const keepAlive = {};
  for (const lib of ['tripswitch', 'cockatiel', 'opossum']) {
    const run = await runNode(KEEPALIVE, [lib, String(perLibrary)], { timeoutMs: limitMs });
    if (run.result === undefined && !run.timedOut) {
      throw new Error(`keepalive ${lib} failed (${run.code})\n${run.stderr.slice(-2000)}`);
    }
    keepAlive[lib] = {
      created: run.result?.created,
      exited: !run.timedOut && run.code === 0,
      exitAfterMs: run.timedOut || run.result === undefined ? undefined : run.ms - run.result.doneAtMs,
      limitMs,
    };
    log?.(
      `  keep-alive ${lib}: ${keepAlive[lib].exited ? 'exited on its own' : `still running after ${limitMs} ms`}`,
    );
  }
  return { instances: INSTANCES, configs, keepAlive };
}

/** @param {any} result @param {{ rounds: number, title: string }} ctx */
function memoryTable(result, { rounds, title }) {
  const rows = Object.values(result.configs).map((c) => [
    c.label,
    c.rule,
    spread(c.newBytes, bytes),
    spread(c.usedBytes, bytes),
    ratio(c.newToFloor.median),
  ]);
  const alive = Object.entries(result.keepAlive).map(([lib, k]) => [
    lib,
    int(k.created),
    k.exited ? 'yes' : `**no**: still running after ${int(k.limitMs)} ms`,
    k.exitAfterMs === undefined ? '—' : `${int(k.exitAfterMs)} ms`,
  ]);
  return [
    section(
      title,
      table(
        ['breaker', 'rule', `bytes each, ${int(result.instances)} new`, 'after one call each', '× floor'],
        rows,
        ['l', 'l', 'r', 'r', 'r'],
      ),
      [
        `${rounds} round(s); each row in its own \`node --expose-gc\` process: \`heapUsed\` after two \`gc()\` calls, before and after creating and holding ${int(result.instances)} instances (100 were created and used first, so lazily created module state is not charged to them).`,
      ],
    ),
    section(
      title.replace(/^(\d+)\..*$/, '$1b. Does anything keep the process alive?'),
      table(
        [
          'library',
          'breakers created, used, every tenth tripped',
          'process exits on its own',
          'exit after main returned',
        ],
        alive,
      ),
      [
        'Each library in its own process, with every rule it has; the process is killed if it has not exited within the limit.',
      ],
    ),
  ].join('\n\n');
}

/** @param {string} id @param {string} rule @param {string} others */
function bytesTarget(id, rule, limit, others) {
  return {
    name: `bytes per breaker, ${rule}`,
    target: `≤ ${limit.toLocaleString('en-US')} B`,
    limit,
    atMost: true,
    /** @param {any} r */
    evaluate: (r) => {
      const m = r.configs;
      /** @param {string} c @returns {number[]} */
      const used = (c) => perRound(m[c].perRound.newBytes, m[c].perRound.usedBytes, Math.max);
      return {
        rounds: used(id),
        fmt: bytes,
        note: `${bytes(median(used(`${id}-off`)))} with telemetry off`,
        others: others.replace(/\{(\w[\w-]*)\}/g, (_, c) => bytes(m[c].newBytes.median)),
      };
    },
  };
}

export const group = {
  id: 'memory',
  title: 'Memory: heap bytes per breaker',
  rounds: 2,
  run: runMemoryGroup,
  table: memoryTable,
  targets: [
    bytesTarget(
      'ts-consecutive',
      'consecutive rule',
      600,
      'cockatiel {cockatiel-consecutive}, opossum {opossum}',
    ),
    bytesTarget('ts-count', 'count window of 100', 1000, 'cockatiel {cockatiel-count}'),
  ],
};
