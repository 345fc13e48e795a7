// @ts-check
/**
 * Prints the functions with the most self time in a `.cpuprofile` (from `node --cpu-prof`), with their
 * file and line, and the total time under each (self + callees):
 *
 *   node bench/src/profile-summary.js prof/CPU.*.cpuprofile [top, default 25]
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const [file, topArg] = process.argv.slice(2);
if (file === undefined) {
  console.error('usage: node bench/src/profile-summary.js <file.cpuprofile> [top]');
  process.exit(2);
}
const top = Number(topArg ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const selfSamples = new Map();
for (const id of profile.samples) selfSamples.set(id, (selfSamples.get(id) ?? 0) + 1);
const total = profile.samples.length;

function where(cf) {
  let url = cf.url;
  if (url.startsWith('file://')) url = relative(process.cwd(), fileURLToPath(url));
  return url === '' ? '(native)' : `${url}:${cf.lineNumber + 1}`;
}

const keyOf = (n) => `${n.callFrame.functionName || '(anonymous)'} ${where(n.callFrame)}`;
const self = new Map();
const inclusive = new Map();
for (const node of profile.nodes) {
  const key = keyOf(node);
  self.set(key, (self.get(key) ?? 0) + (selfSamples.get(node.id) ?? 0));
}
// Inclusive time: a node's samples plus its subtree's, counted once per function per stack.
function subtree(node, onStack) {
  const key = keyOf(node);
  let sum = selfSamples.get(node.id) ?? 0;
  for (const child of node.children ?? []) sum += subtree(byId.get(child), new Set([...onStack, key]));
  if (!onStack.has(key)) inclusive.set(key, (inclusive.get(key) ?? 0) + sum);
  return sum;
}
subtree(profile.nodes[0], new Set());

const pct = (v) => `${((100 * v) / total).toFixed(1).padStart(5)}%`;
console.log(`${total} samples; self% total% function location`);
for (const [key, s] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) {
  if (s === 0) break;
  console.log(`${pct(s)} ${pct(inclusive.get(key) ?? 0)}  ${key}`);
}
