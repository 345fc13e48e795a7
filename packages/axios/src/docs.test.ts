import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { context, propagation, trace } from '@opentelemetry/api';
import ts from 'typescript';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

const pkg = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
// Inside the package, so that `axios` and `@tripswitch/core` resolve as they do for the sources.
const dir = mkdtempSync(join(pkg, '.readme-'));

afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => {
  vi.restoreAllMocks();
  context.disable();
  trace.disable();
  propagation.disable();
});

/** The ```ts blocks that import the package: each is a complete program, importing the sources here. */
const programs = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
  .map((m) => m[1] as string)
  .filter((code) => code.includes("from '@tripswitch/axios'"))
  .map((code, i) => {
    const file = join(dir, `example-${i + 1}.ts`);
    writeFileSync(file, code.replaceAll("from '@tripswitch/axios'", "from '../src/index.js'"));
    return { code, file };
  });

/** What a program says it prints: the `// …` comment after each `console.log(…);` line. */
function expectedOutput(code: string): string[] {
  return [...code.matchAll(/console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => m[1] as string);
}

async function run(file: string): Promise<string[]> {
  const lines: string[] = [];
  vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
    lines.push(format(...args));
  });
  await import(/* @vite-ignore */ file);
  return lines;
}

/**
 * The `@example` blocks of the TSDoc in the sources. Fragments get a prelude with the package's exports,
 * Axios and an instance called `http`; blocks with their own imports stand alone.
 */
const tsdocExamples = ['index.ts', 'with-breaker.ts', 'classify.ts', 'options.ts', 'request-url.ts'].flatMap(
  (source) => {
    const text = readFileSync(join(pkg, 'src', source), 'utf8');
    return [...text.matchAll(/@example\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/g)].map((m, i) => {
      const body = (m[1] as string)
        .replace(/^\s*\* ?/gm, '')
        .replaceAll("from '@tripswitch/axios'", "from '../src/index.js'");
      const prelude = [
        "import axios, { AxiosHeaders } from 'axios';",
        "import * as tripswitch from '../src/index.js';",
        'const { withBreaker, isAxiosCircuitOpenError, defaultIsFailure, statusOf, parseRetryAfter, originKey } = tripswitch;',
        'const http = axios.create();',
        'void [AxiosHeaders, withBreaker, isAxiosCircuitOpenError, defaultIsFailure, statusOf, parseRetryAfter, originKey, http];',
        '',
      ].join('\n');
      const file = join(dir, `tsdoc-${source.replace('.ts', '')}-${i + 1}.ts`);
      writeFileSync(file, `${/^import /m.test(body) ? '' : prelude}${body}\nexport {};\n`);
      return file;
    });
  },
);

function typeErrors(files: string[]): string[] {
  const { config } = ts.readConfigFile(join(pkg, 'tsconfig.json'), ts.sys.readFile);
  const { options } = ts.parseJsonConfigFileContent(config, ts.sys, pkg);
  const program = ts.createProgram(files, { ...options, noEmit: true, rootDir: pkg });
  const host = {
    getCanonicalFileName: (f: string) => f,
    getCurrentDirectory: () => pkg,
    getNewLine: () => '\n',
  };
  return ts.getPreEmitDiagnostics(program).map((d) => ts.formatDiagnostic(d, host));
}

describe('TSDoc', () => {
  // Compiling takes a few seconds: more on a busy machine.
  it('has an @example on the main exports, and every one compiles', { timeout: 60_000 }, () => {
    expect(tsdocExamples.length).toBeGreaterThanOrEqual(6);
    expect(typeErrors(tsdocExamples)).toEqual([]);
  });
});

describe('README', () => {
  it('has its examples', () => {
    expect(programs.length).toBeGreaterThanOrEqual(5);
  });

  it('type-checks every example', { timeout: 60_000 }, () => {
    expect(typeErrors(programs.map((p) => p.file))).toEqual([]);
  });

  it('the first example prints what the README shows', { timeout: 20_000 }, async () => {
    const first = programs[0]!;
    const shown = /```console\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split('\n');
    const printed = await run(first.file);
    expect(printed.map((line) => line.replace(/127\.0\.0\.1:\d+/, '127.0.0.1:40321'))).toEqual(shown);
  });

  it.each(programs.slice(1).map((p, i) => [i + 2, p] as const))(
    'example %i runs and prints what its comments say',
    { timeout: 20_000 },
    async (_, { code, file }) => {
      const expected = expectedOutput(code);
      const printed = await run(file);
      if (expected.length > 0) expect(printed).toEqual(expected);
      else expect(printed).toEqual([]);
    },
  );
});
