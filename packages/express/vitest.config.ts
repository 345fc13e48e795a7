import { defineConfig } from 'vitest/config';

export default defineConfig({
  // Real servers and clients on 127.0.0.1: seconds per test when every package tests at once on two cores.
  test: { include: ['src/**/*.test.ts'], testTimeout: 20_000 },
});
