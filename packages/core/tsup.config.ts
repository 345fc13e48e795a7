import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  // `@tripswitch/core/http` is a second entry; shared code goes to chunks (CJS too), so both entries see
  // one copy of module state such as `defaultRegistry`.
  entry: { index: 'src/index.ts', http: 'src/http/index.ts', 'status-page': 'src/status-page/index.ts' },
  splitting: true,
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The instrumentation scope version is the package version, stamped at build time.
  define: { __TRIPSWITCH_VERSION__: JSON.stringify(pkg.version) },
});
