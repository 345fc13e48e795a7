import { readFileSync } from 'node:fs';
import { defineConfig } from 'vitest/config';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
};

export default defineConfig({
  define: { __TRIPSWITCH_VERSION__: JSON.stringify(pkg.version) },
  test: {
    include: ['src/**/*.test.ts'],
    // Real servers and processes in some tests: seconds each when every package tests at once on two cores.
    testTimeout: 20_000,
    typecheck: { enabled: true, include: ['src/**/*.test-d.ts'] },
  },
});
