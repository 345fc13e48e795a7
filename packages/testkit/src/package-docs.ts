import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { format } from 'node:util';
import { context, propagation, trace } from '@opentelemetry/api';
import ts from 'typescript';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';

/** What {@link describePackageDocs} checks in one package. */
export interface PackageDocs {
  /** The package folder (`new URL('..', import.meta.url)` from a test in `src/`). */
  readonly packageDir: URL;
  /** The package name, as the examples import it (`@tripswitch/fetch`). */
  readonly packageName: string;
  /** The source files (in `src/`) whose TSDoc `@example` blocks must compile. */
  readonly sources: readonly string[];
  /** Prepended to an `@example` fragment without imports of its own (imports, and the names it uses). */
  readonly prelude: string;
  /** At least this many `@example` blocks, and this many README programs. */
  readonly minimum: { readonly tsdoc: number; readonly programs: number };
}

/** What a program says it prints: the `// …` comment after each `console.log(…);` line. */
function expectedOutput(code: string): string[] {
  return [...code.matchAll(/console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => m[1] as string);
}

/**
 * The documentation checks of a published package: every TSDoc `@example` in its main sources compiles,
 * and every ` ```ts ` block of its README that imports the package type-checks, runs against the
 * sources and prints what it says (the first: its ` ```console ` block, with `127.0.0.1:<port>` as
 * `127.0.0.1:40321`; the others: the `// …` comment after each `console.log`).
 */
export function describePackageDocs(docs: PackageDocs): void {
  const pkg = fileURLToPath(docs.packageDir);
  const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
  // Inside the package, so that its dependencies resolve as they do for the sources.
  const dir = mkdtempSync(join(pkg, '.readme-'));
  const fromSources = (code: string) =>
    code.replaceAll(`from '${docs.packageName}'`, "from '../src/index.js'");

  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  afterEach(() => {
    vi.restoreAllMocks();
    context.disable();
    trace.disable();
    propagation.disable();
  });

  const programs = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
    .map((m) => m[1] as string)
    .filter((code) => code.includes(`from '${docs.packageName}'`))
    .map((code, i) => {
      const file = join(dir, `example-${i + 1}.ts`);
      writeFileSync(file, fromSources(code));
      return { code, file };
    });

  const tsdocExamples = docs.sources.flatMap((source) => {
    const text = readFileSync(join(pkg, 'src', source), 'utf8');
    return [...text.matchAll(/@example\n\s*\* ```ts\n([\s\S]*?)\n\s*\* ```/g)].map((m, i) => {
      const body = fromSources((m[1] as string).replace(/^\s*\* ?/gm, ''));
      const file = join(dir, `tsdoc-${source.replace('.ts', '')}-${i + 1}.ts`);
      writeFileSync(file, `${/^import /m.test(body) ? '' : `${docs.prelude}\n`}${body}\nexport {};\n`);
      return file;
    });
  });

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

  async function run(file: string): Promise<string[]> {
    const lines: string[] = [];
    vi.spyOn(console, 'log').mockImplementation((...args: unknown[]) => {
      lines.push(format(...args));
    });
    await import(/* @vite-ignore */ file);
    return lines;
  }

  describe('TSDoc', () => {
    // Compiling takes a few seconds: more on a busy machine.
    it('has an @example on the main exports, and every one compiles', { timeout: 60_000 }, () => {
      expect(tsdocExamples.length).toBeGreaterThanOrEqual(docs.minimum.tsdoc);
      expect(typeErrors(tsdocExamples)).toEqual([]);
    });
  });

  describe('README', () => {
    it('has its examples', () => {
      expect(programs.length).toBeGreaterThanOrEqual(docs.minimum.programs);
    });

    it('type-checks every example', { timeout: 60_000 }, () => {
      expect(typeErrors(programs.map((p) => p.file))).toEqual([]);
    });

    it('the first example prints what the README shows', { timeout: 20_000 }, async () => {
      const shown = /```console\n([\s\S]*?)```/.exec(readme)?.[1]?.trim().split('\n');
      const printed = await run(programs[0]!.file);
      expect(printed.map((line) => line.replaceAll(/127\.0\.0\.1:\d+/g, '127.0.0.1:40321'))).toEqual(shown);
    });

    it.each(programs.slice(1).map((p, i) => [i + 2, p] as const))(
      'example %i runs and prints what its comments say',
      { timeout: 20_000 },
      async (_, { code, file }) => {
        expect(await run(file)).toEqual(expectedOutput(code));
      },
    );
  });
}
