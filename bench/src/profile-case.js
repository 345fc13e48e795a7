/**
 * Runs one micro-benchmark case in a plain loop for a few seconds, for a CPU profile of just that case:
 *
 *   node --cpu-prof --cpu-prof-dir=prof bench/src/profile-case.js success ts-execute 5
 *
 * Arguments: <group> <case> [seconds, default 5, at most 60]. Groups and cases: see src/groups/.
 */
import { loadMicroGroup } from './groups/micro-groups.js';

const [groupId, caseId, secondsArg] = process.argv.slice(2);
if (groupId === undefined || caseId === undefined) {
  console.error('usage: node [--cpu-prof] bench/src/profile-case.js <group> <case> [seconds]');
  process.exit(2);
}
const group = await loadMicroGroup(groupId);
const spec = group.cases.find((c) => c.id === caseId) ?? (caseId === 'floor' ? group.floor : undefined);
if (spec === undefined) {
  console.error(`no case ${caseId} in ${groupId}: ${group.cases.map((c) => c.id).join(', ')}, floor`);
  process.exit(2);
}
const made = await spec.make();
const fn = typeof made === 'function' ? made : made.fn;
const seconds = Math.min(60, Number(secondsArg ?? 5));
const deadline = performance.now() + seconds * 1000;
let calls = 0;
while (performance.now() < deadline) {
  for (let i = 0; i < 10_000; i++) await fn();
  calls += 10_000;
}
console.log(
  `${groupId}/${caseId}: ${calls.toLocaleString('en-US')} calls, ${((seconds * 1e9) / calls).toFixed(1)} ns/call`,
);
