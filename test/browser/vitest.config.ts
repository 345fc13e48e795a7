import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// `npm run test:browser`: the status page in a real Chromium, against real Express and Koa servers on
// 127.0.0.1. One file at a time; `npm test` never sees it (named *.browser.ts).
export default defineConfig({
  test: {
    root: fileURLToPath(new URL('.', import.meta.url)),
    include: ['**/*.browser.ts'],
    fileParallelism: false,
    testTimeout: 30_000,
    // Installing Chromium on a machine without it.
    hookTimeout: 300_000,
  },
});
