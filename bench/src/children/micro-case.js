/**
 * Child process of a micro-benchmark group: `node --expose-gc micro-case.js <group> <case> <quick|full>`.
 * Builds the floor and the case, checks that each does what its label says, measures both, and prints the
 * result line. It exits explicitly: a library's leftover timer must not stretch a run.
 */

import { loadMicroGroup } from '../groups/micro-groups.js';
import { report } from '../lib/child.js';
import { measurePair } from '../lib/micro.js';

const [groupId, caseId, mode] = process.argv.slice(2);
const group = await loadMicroGroup(groupId);
const spec = group.cases.find((c) => c.id === caseId);
if (spec === undefined) throw new Error(`no case ${caseId} in group ${groupId}`);

const floor = await group.floor.make();
const made = await spec.make();
const subject = typeof made === 'function' ? made : made.fn;
await floor();
await subject();
const { floorNs, caseNs } = await measurePair(floor, subject, mode === 'quick');
const extra = typeof made === 'function' || made.after === undefined ? undefined : await made.after();
report({ floorNs, caseNs, extra });
process.exit(0);
