import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:reliability` (model check, chaos, fuzz, key explosion), `npm run test:long` (the same, ten
// times the counts) and `npm run test:soak`.
// `npm test` never sees these files: they are named *.reliability.ts, outside vitest's default pattern.
// One file at a time (they load the machine and measure the heap), in a process that can run the GC.
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    // `npm run test:soak` sets TRIPSWITCH_SUITE=soak: then only the *.soak.ts files run.
    include: [process.env.TRIPSWITCH_SUITE === 'soak' ? '**/*.soak.ts' : '**/*.reliability.ts'],
    fileParallelism: false,
    pool: 'forks',
    poolOptions: { forks: { execArgv: ['--expose-gc'] } },
    testTimeout: 120_000,
    hookTimeout: 30_000,
  },
});
