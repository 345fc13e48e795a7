import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// What every published package carries to npm: the license, metadata that links back to the repository,
// a prepack that builds, and a README whose links still work on npmjs.com (where relative links break).

const REPO = 'https://github.com/tripswitch/tripswitch';
/** The Node lines `.ci/run` runs (scripts/with-node.mjs): 20, 22 and 24. */
const ENGINES = '^20.19.0 || ^22.12.0 || >=24.0.0';
const root = new URL('../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, root), 'utf8');

interface PackageJson {
  name: string;
  private?: boolean;
  license?: string;
  repository?: { type: string; url: string; directory: string };
  homepage?: string;
  bugs?: { url: string };
  files?: string[];
  scripts?: Record<string, string>;
  exports?: Record<string, unknown>;
}

const published = readdirSync(new URL('packages/', root))
  .map((dir) => ({
    dir: `packages/${dir}`,
    json: JSON.parse(read(`packages/${dir}/package.json`)) as PackageJson,
  }))
  .filter(({ json }) => json.private !== true);

/** Every file path named in an `exports` map (conditions nested at any depth). */
function exportedFiles(node: unknown): string[] {
  if (typeof node === 'string') return node.endsWith('package.json') ? [] : [node.replace(/^\.\//, '')];
  if (typeof node !== 'object' || node === null) return [];
  return Object.values(node).flatMap(exportedFiles);
}

describe('published packages', () => {
  it('are all covered, and built before these tests run (the test workspace depends on each)', () => {
    const names = published.map((p) => p.json.name);
    expect(names).toEqual(
      expect.arrayContaining([
        '@tripswitch/core',
        '@tripswitch/express',
        '@tripswitch/koa',
        '@tripswitch/axios',
      ]),
    );
    const testDeps = Object.keys(JSON.parse(read('test/package.json')).dependencies);
    expect(testDeps).toEqual(expect.arrayContaining(names));
  });

  describe.each(published)('$json.name', ({ dir, json }) => {
    it('declares the Node versions CI tests (20, 22, 24), @opentelemetry/api ^1.9.0 as a peer, and no SDK', () => {
      const { engines, peerDependencies, dependencies } = json as PackageJson & {
        engines?: { node?: string };
        peerDependencies?: Record<string, string>;
        dependencies?: Record<string, string>;
      };
      expect(engines?.node).toBe(ENGINES);
      expect(peerDependencies?.['@opentelemetry/api']).toBe('^1.9.0');
      // A library never brings an SDK (nor its own copy of the API): the application registers one.
      expect(Object.keys(dependencies ?? {}).filter((d) => d.startsWith('@opentelemetry/'))).toEqual([]);
    });

    it('has the MIT license, the root LICENSE text, and metadata pointing at its folder of the repository', () => {
      expect(json.license).toBe('MIT');
      expect(read(`${dir}/LICENSE`)).toBe(read('LICENSE'));
      expect(json.repository).toEqual({ type: 'git', url: `git+${REPO}.git`, directory: dir });
      expect(json.homepage).toBe(`${REPO}/tree/main/${dir}#readme`);
      expect(json.bugs).toEqual({ url: `${REPO}/issues` });
    });

    it('builds itself (and what it depends on) before it is packed', () => {
      expect(json.scripts?.prepack).toContain(`turbo run build --filter=${json.name}...`);
    });

    it('packs LICENSE, README.md and every file its exports map names', () => {
      const output = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
        cwd: new URL(dir, root),
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      });
      const files = (JSON.parse(output) as [{ files: { path: string }[] }])[0].files.map((f) => f.path);
      const wanted = ['LICENSE', 'README.md', 'package.json', ...exportedFiles(json.exports)];
      expect(files).toEqual(expect.arrayContaining(wanted));
      expect(files.filter((f) => f.startsWith('src/') || f.endsWith('.test.ts'))).toEqual([]);
    });

    it('has a README whose links work on npm: absolute, into files that exist, and to the telemetry reference', () => {
      const readme = read(`${dir}/README.md`);
      const links = [...readme.matchAll(/\]\(([^)\s]+)\)/g)].map((m) => m[1]!);
      expect(links.filter((link) => !/^(https?:|#|mailto:)/.test(link))).toEqual([]);
      for (const link of links) {
        const inRepo = new RegExp(`^${REPO}/(?:blob|tree)/main/([^#]+)`).exec(link);
        if (inRepo !== null) expect(existsSync(new URL(inRepo[1]!, root)), link).toBe(true);
      }
      expect(links).toContain(`${REPO}/blob/main/docs/telemetry.md`);
    });

    it('publishes no internal in its declarations', () => {
      const dist = `${dir}/dist/`;
      const declarations = readdirSync(new URL(dist, root)).filter((f) => /\.d\.c?ts$/.test(f));
      expect(declarations).toContain('index.d.ts');
      const leaks = declarations.flatMap((file) =>
        leakedInternals(read(dist + file)).map((l) => `${file}: ${l}`),
      );
      expect(leaks).toEqual([]);
    });
  });

  it('finds a leaked internal member, type or tag (the check itself)', () => {
    const leaky = [
      'declare class CircuitBreaker {',
      '    readonly _options: ResolvedOptions;',
      '    _settle(permit: BreakerPermit): void;',
      '    get state(): string;',
      '}',
      '/** @internal */',
      'declare class BreakerTelemetry {}',
    ].join('\n');
    expect(leakedInternals(leaky)).toEqual([
      'readonly _options: ResolvedOptions;',
      '_settle(permit: BreakerPermit): void;',
      '/** @internal */',
      'declare class BreakerTelemetry {}',
    ]);
  });
});

/** Internal names core keeps out of its published types (members start with `_`; these types are internal). */
const INTERNAL_TYPES =
  /\b(BreakerPermit|BreakerTelemetry|ResolvedOptions|InternalState|TelemetrySubject|PermitOwner)\b/;

/** The declaration lines that publish an internal: a `_member`, an internal type, or an `@internal` tag. */
function leakedInternals(dts: string): string[] {
  return dts
    .split('\n')
    .map((line) => line.trim())
    .filter(
      (line) =>
        /^(readonly\s+)?_\w+\??[(:<]/.test(line) || INTERNAL_TYPES.test(line) || line.includes('@internal'),
    );
}
