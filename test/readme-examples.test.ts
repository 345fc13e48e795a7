import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = new URL('../', import.meta.url);
// Scripts live under test/ so that `@tripswitch/*` imports resolve to the workspace packages.
const dir = mkdtempSync(join(new URL('.', import.meta.url).pathname, '.readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The ```ts blocks of a README that import a tripswitch package: each is a complete program. */
function programs(readme: string): string[] {
  const text = readFileSync(new URL(readme, root), 'utf8');
  return [...text.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .filter((code) => /from '@tripswitch\//.test(code));
}

describe.each(['packages/core/README.md'])('%s examples', (readme) => {
  const blocks = programs(readme);

  it('has examples', () => {
    expect(blocks.length).toBeGreaterThanOrEqual(6);
  });

  it.each(blocks.map((code, i) => [i + 1, code] as const))('example %i runs', async (i, code) => {
    const { code: js } = await transform(code, { loader: 'ts', format: 'esm', target: 'node20' });
    const file = join(dir, `example-${readme.replace(/\W/g, '_')}-${i}.mjs`);
    writeFileSync(file, js);
    const { stdout, stderr } = await run(process.execPath, [file], { timeout: 20_000 });
    expect(stderr).toBe('');
    expect(stdout.length).toBeGreaterThan(0);
  });
});
