// Finds import cycles between the TypeScript files of `packages/*/src`: run it
// (`node scripts/import-cycles.mjs`) or import `findImportCycles` (test/import-cycles.test.ts does).
// Type-only imports count too: a part that imports its owner's type is still an arrow the wrong way.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const SPECIFIER = /(?:^|[;\s])(?:import|export)\s(?:[^'";]*?\sfrom\s)?\s*['"](\.{1,2}\/[^'"]+)['"]/g;

function sourceFiles(dir, out = []) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) sourceFiles(path, out);
    else if (/\.(c|m)?tsx?$/.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/** The file a relative specifier names: `./x.js` → `./x.ts`, `./dir` → `./dir/index.ts`. */
function target(from, specifier) {
  const base = resolve(dirname(from), specifier);
  for (const candidate of [base.replace(/\.(c|m)?js$/, '.$1ts'), `${base}.ts`, join(base, 'index.ts')]) {
    if (existsSync(candidate) && statSync(candidate).isFile()) return candidate;
  }
  return undefined;
}

/**
 * Every cycle of relative imports among the `.ts` files under `dirs`, each as the list of its files
 * (relative to `root`), found as the strongly connected components of the import graph.
 * @param {string[]} dirs
 * @param {string} root
 * @returns {string[][]}
 */
export function findImportCycles(dirs, root) {
  const graph = new Map();
  for (const dir of dirs) {
    for (const file of sourceFiles(dir)) {
      const text = readFileSync(file, 'utf8');
      const edges = [];
      for (const match of text.matchAll(SPECIFIER)) {
        const to = target(file, match[1]);
        if (to !== undefined) edges.push(to);
      }
      graph.set(file, edges);
    }
  }
  // Tarjan's algorithm, iterative-enough for a few hundred files.
  let next = 0;
  const index = new Map();
  const low = new Map();
  const stack = [];
  const onStack = new Set();
  const cycles = [];
  const visit = (v) => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v)) {
      if (!graph.has(w)) continue;
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v), low.get(w)));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v), index.get(w)));
    }
    if (low.get(v) !== index.get(v)) return;
    const component = [];
    let w;
    do {
      w = stack.pop();
      onStack.delete(w);
      component.push(relative(root, w));
    } while (w !== v);
    if (component.length > 1 || graph.get(v).includes(v)) cycles.push(component.sort());
  };
  for (const v of graph.keys()) if (!index.has(v)) visit(v);
  return cycles;
}

/** The `src` folders of every workspace package. */
export function packageSourceDirs(root) {
  const packages = join(root, 'packages');
  return readdirSync(packages)
    .map((name) => join(packages, name, 'src'))
    .filter((dir) => existsSync(dir));
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const root = fileURLToPath(new URL('..', import.meta.url));
  const cycles = findImportCycles(packageSourceDirs(root), root);
  for (const cycle of cycles) console.error(`import cycle: ${cycle.join(' ⇄ ')}`);
  process.exit(cycles.length === 0 ? 0 : 1);
}
