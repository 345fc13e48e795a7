import { createRequire } from 'node:module';
import { defineConfig } from 'vitest/config';

const require = createRequire(import.meta.url);
// One copy of the API for everything in the run, as an app that installs SDK 3.x has: the tripswitch
// builds and the testkit are transformed by vitest (inlined), so they get this workspace's api 1.10.
const api = require.resolve('@opentelemetry/api');

export default defineConfig({
  resolve: { alias: [{ find: /^@opentelemetry\/api$/, replacement: api }] },
  test: {
    server: { deps: { inline: [/@tripswitch\//, /packages\/(core|express|koa|axios|fetch)\/dist/] } },
    testTimeout: 20_000,
  },
});
