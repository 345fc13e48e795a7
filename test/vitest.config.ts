import { defineConfig } from 'vitest/config';

export default defineConfig({
  // npm pack, child processes and real servers: seconds per test when every package tests at once.
  test: { include: ['*.test.ts'], testTimeout: 30_000 },
});
