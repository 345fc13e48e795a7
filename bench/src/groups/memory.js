/**
 * Group 5: heap bytes per breaker (each configuration in its own `--expose-gc` process), and whether
 * anything keeps a process alive once it has created, used and tripped many breakers.
 */
import { fileURLToPath } from 'node:url';
import { CONFIGS } from '../children/memory.js';
import { runNode, runNodeOrThrow } from '../lib/child.js';
import { rotate, summarize } from '../lib/stats.js';

const MEMORY = fileURLToPath(new URL('../children/memory.js', import.meta.url));
const KEEPALIVE = fileURLToPath(new URL('../children/keepalive.js', import.meta.url));
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
