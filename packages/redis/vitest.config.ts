import { defineConfig } from 'vitest/config';

// Real redis-server processes: one file at a time, so two suites never fight over CPU or ports.
export default defineConfig({
  test: { include: ['src/**/*.test.ts'], fileParallelism: false, testTimeout: 60_000, hookTimeout: 300_000 },
});
