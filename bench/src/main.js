// @ts-check
/**
 * `npm run bench [-- --quick]`: tripswitch side by side with opossum and cockatiel, one table per group,
 * then the targets table. Progress goes to stderr, the report (Markdown) to stdout.
 */
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import { GROUPS } from './groups/index.js';
import { parseArgs, usage } from './lib/args.js';
import { header, machine } from './lib/machine.js';
import { checkSdkLine, SDK_LINE_ENV } from './lib/sdk.js';
import { judge, targetsTable } from './lib/targets.js';

/** @param {string} line */
function log(line) {
  process.stderr.write(`${line}\n`);
}

async function main() {
  const args = parseArgs();
  const ids = GROUPS.map((g) => g.id);
  if (args.help) {
    console.log(usage(ids));
    return 0;
  }
  const only = args.only ?? ids;
  for (const id of only) if (!ids.includes(id)) throw new Error(`no group ${id}: ${ids.join(', ')}`);
  checkSdkLine(args.sdk);
  // The children (one per case and round) read it: every SDK case of this run registers that line.
  process.env[SDK_LINE_ENV] = args.sdk;
  const m = machine(args.sdk);
  console.log(`${header(m, args.quick)}\n`);

  /** @type {Record<string, unknown>} */
  const results = {};
  const failures = [];
  const judged = [];
  const started = performance.now();
  for (const [i, group] of GROUPS.entries()) {
    if (!only.includes(group.id)) continue;
    const t0 = performance.now();
    const rounds = args.rounds ?? (args.quick ? 1 : group.rounds);
    const title = `${i + 1}. ${group.title}`;
    log(`[bench] group ${group.id}...`);
    try {
      const result = await group.run({ rounds, quick: args.quick, log, frameworks: args.frameworks });
      results[group.id] = result;
      console.log(`${group.table(result, { rounds, title })}\n`);
      judged.push(...group.targets.map((t) => judge(t, result)));
      log(`[bench] group ${group.id} done in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
    } catch (error) {
      failures.push(group.id);
      const e = /** @type {Error} */ (error);
      console.log(`### group ${group.id} FAILED\n\n\`\`\`\n${e?.stack ?? e}\n\`\`\`\n`);
      log(`[bench] group ${group.id} FAILED: ${e?.message ?? e}`);
    }
  }

  console.log(targetsTable(judged));
  if (args.quick)
    console.log('\n(--quick: tiny iteration counts and no warm-up; these verdicts say nothing about speed.)');
  const seconds = (performance.now() - started) / 1000;
  const load = os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' / ');
  console.log(
    `\nRan ${Object.keys(results).length} group(s) in ${seconds.toFixed(0)} s; load average at the end: ${load}.`,
  );
  if (args.json !== undefined)
    writeFileSync(args.json, `${JSON.stringify({ machine: m, quick: args.quick, results }, null, 2)}\n`);
  if (failures.length > 0) {
    console.log(`\nFAILED groups: ${failures.join(', ')}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
