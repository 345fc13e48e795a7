// @ts-check
/**
 * Child process of a micro-benchmark group: `node --expose-gc micro-child.js <cases module URL> <case>
 * <quick|full>`. Runs the case's setup, builds its floors and the case, checks that each does what its
 * label says, measures them, and prints the result line. It exits explicitly: a library's leftover timer
 * must not stretch a run.
 */
import { report } from './child.js';
import { loadCases, measureCase } from './micro.js';

const [url, caseId, mode] = process.argv.slice(2);
if (url === undefined || caseId === undefined) throw new Error('usage: micro-child.js <url> <case> <mode>');
const mod = await loadCases(url);
report(await measureCase(mod, caseId, mode === 'quick'));
process.exit(0);
