// @ts-check
/**
 * Runs one micro-benchmark case (or one of its floors) in a plain loop for a few seconds, for a CPU
 * profile of just that case:
 *
 *   node --cpu-prof --cpu-prof-dir=prof bench/src/profile-case.js sdk ts-execute@collect 5
 *   node --cpu-prof --cpu-prof-dir=prof bench/src/profile-case.js sdk ts-execute@collect 5 FS
 *
 * Arguments: <group> <case> [seconds, default 5, at most 60] [floor id: profile that floor instead].
 * Groups and cases: src/groups/<group>/cases.js.
 */
import { GROUPS } from './groups/index.js';
import { floorIdsOf, loadCases } from './lib/micro.js';

const [groupId, caseId, secondsArg, floorId] = process.argv.slice(2);
const group = GROUPS.find((g) => g.id === groupId);
if (group?.cases === undefined || caseId === undefined) {
  const micro = GROUPS.filter((g) => g.cases !== undefined).map((g) => g.id);
  console.error(
    `usage: node [--cpu-prof] bench/src/profile-case.js <${micro.join('|')}> <case> [seconds] [floor]`,
  );
  process.exit(2);
}
const mod = await loadCases(group.cases);
const spec = mod.cases.find((c) => c.id === caseId);
if (spec === undefined) {
  console.error(`no case ${caseId} in ${groupId}: ${mod.cases.map((c) => c.id).join(', ')}`);
  process.exit(2);
}
await mod.setup?.(spec);
if (floorId !== undefined && !floorIdsOf(mod, spec).includes(floorId)) {
  console.error(`case ${caseId} has the floors ${floorIdsOf(mod, spec).join(', ')}`);
  process.exit(2);
}
const made = floorId === undefined ? await spec.make() : await mod.floors[floorId].make(spec);
const fn = typeof made === 'function' ? made : made.fn;
const seconds = Math.min(60, Number(secondsArg ?? 5));
const deadline = performance.now() + seconds * 1000;
let calls = 0;
while (performance.now() < deadline) {
  for (let i = 0; i < 10_000; i++) await fn();
  calls += 10_000;
}
console.log(
  `${groupId}/${caseId}${floorId ? ` floor ${floorId}` : ''}: ${calls.toLocaleString('en-US')} calls, ${((seconds * 1e9) / calls).toFixed(1)} ns/call`,
);
