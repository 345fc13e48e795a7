import { readFileSync } from 'node:fs';
import { defineConfig, type Options } from 'tsup';

/**
 * The one build configuration of the published packages: ESM + CJS + `.d.ts` for Node 20 and later,
 * with source maps. A package's `tsup.config.ts` is `export default packageConfig(import.meta.url)`,
 * plus what is its own (core: its subpath entries and the version stamp).
 */
export function packageConfig(packageUrl: string, own: Options = {}) {
  const pkg = JSON.parse(readFileSync(new URL('./package.json', packageUrl), 'utf8')) as { version: string };
  return defineConfig({
    entry: { index: 'src/index.ts' },
    format: ['esm', 'cjs'],
    // `@internal` members and types stay out of the published declarations.
    dts: { compilerOptions: { stripInternal: true } },
    sourcemap: true,
    clean: true,
    target: 'node20',
    // The instrumentation scope version and similar stamps are the package version, set at build time.
    define: { __TRIPSWITCH_VERSION__: JSON.stringify(pkg.version) },
    ...own,
  });
}
