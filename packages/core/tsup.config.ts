import { readFileSync } from 'node:fs';
import { defineConfig } from 'tsup';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  entry: { index: 'src/index.ts', 'status-page/index': 'src/status-page/index.ts' },
  format: ['esm', 'cjs'],
  dts: true,
  sourcemap: true,
  clean: true,
  target: 'node20',
  // The instrumentation scope version is the package version, stamped at build time.
  define: { __TRIPSWITCH_VERSION__: JSON.stringify(pkg.version) },
});
