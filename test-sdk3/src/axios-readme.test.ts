import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { afterAll, expect, it } from 'vitest';

// The telemetry example of the Axios README with the two lines the README gives for SDK 3.x, run as a
// program that resolves this workspace's SDK 3.x (the package's own docs test runs it on SDK 2.x).

const run = promisify(execFile);
const readme = readFileSync(new URL('../../packages/axios/README.md', import.meta.url), 'utf8');
const dir = mkdtempSync(join(fileURLToPath(new URL('..', import.meta.url)), '.readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const blocks = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
const example = blocks.find(
  (b) => b.includes('BasicTracerProvider') && b.includes("from '@tripswitch/axios'"),
);
const sdk3Lines = blocks.find((b) => b.includes("from '@opentelemetry/sdk-trace'"));

it('runs the Axios README telemetry example on SDK 3.x with the two lines the README gives', async () => {
  expect(example).toBeDefined();
  const [importLine, providerLine] = sdk3Lines!.trim().split('\n');
  const oldImport = /import \{[^}]*\} from '@opentelemetry\/sdk-trace-base';\n/;
  const oldProvider = /const tracerProvider = new BasicTracerProvider\(.*\);\n/;
  expect(example!.match(new RegExp(oldImport, 'g'))).toHaveLength(1);
  expect(example!.match(new RegExp(oldProvider, 'g'))).toHaveLength(1);
  const code = example!.replace(oldImport, `${importLine}\n`).replace(oldProvider, `${providerLine}\n`);
  expect(code).not.toContain('sdk-trace-base');

  const { code: js } = await transform(code, { loader: 'ts', format: 'esm', target: 'node22' });
  const file = join(dir, 'telemetry-example.mjs');
  writeFileSync(file, js);
  const { stdout, stderr } = await run(process.execPath, [file], { timeout: 20_000 });
  expect(stderr).toBe('');
  const printed = [...code.matchAll(/console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => m[1]);
  expect(printed.length).toBeGreaterThanOrEqual(2);
  expect(stdout.trim().split('\n')).toEqual(printed);
});
