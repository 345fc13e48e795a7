import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { BreakerRegistry } from '@tripswitch/core';
import { ensureRedisServer, startRedis, type TestRedis } from '@tripswitch/testkit/redis-server';
import { transform } from 'esbuild';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { coordinate } from './index.js';

// The README's example, run as a replica of a fleet against a real redis-server, beside a second
// replica here: what the example says happens to "payments" must happen on this one.

const run = promisify(execFile);
const pkg = fileURLToPath(new URL('..', import.meta.url));
const readme = readFileSync(join(pkg, 'README.md'), 'utf8');
const server = ensureRedisServer();
const skip = 'skip' in server ? server.skip : undefined;

describe.skipIf(skip !== undefined)('README example', () => {
  let redis: TestRedis;
  // Inside the package, so `@tripswitch/redis` and `ioredis` resolve as they do for a user's app.
  const dir = mkdtempSync(join(pkg, '.readme-'));

  beforeAll(async () => {
    redis = await startRedis((server as { binary: string }).binary);
  });
  afterAll(async () => {
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  it('opens "payments" on the other replicas of the fleet, and prints what it says', async () => {
    const code = /```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toContain("from '@tripswitch/redis'");
    const { code: js } = await transform(code!, { loader: 'ts', format: 'esm', target: 'node20' });
    const file = join(dir, 'example.mjs');
    writeFileSync(file, js);

    const registry = new BreakerRegistry();
    const payments = registry.get('payments', { failureThreshold: 3, resetTimeout: 10_000 });
    const template = new Redis(redis.url, { lazyConnect: true });
    let opened: { reason: string; retryAfterMs: number } | undefined;
    payments.on('stateChange', (e) => {
      if (e.to === 'open') opened = { reason: e.reason, retryAfterMs: payments.getMetrics().retryAfterMs };
    });
    const stop = await coordinate(registry, { redis: template, instanceId: 'the-other-replica' });
    try {
      // coordinate() gives up waiting after commandTimeout (1 s) on a loaded machine: wait, bounded.
      const connecting = Date.now() + 10_000;
      while (!stop.connected && Date.now() < connecting) await new Promise((r) => setTimeout(r, 10));
      expect(stop.connected).toBe(true);
      const { stdout, stderr } = await run(process.execPath, [file], {
        env: { ...process.env, REDIS_URL: redis.url },
        timeout: 20_000,
      });
      expect(stderr).toBe('');
      const printed = [...code!.matchAll(/console\.log\(.*\);\s*\/\/ (.*)$/gm)].map((m) => m[1]);
      expect(stdout.trim().split('\n')).toEqual(printed);
      // The example's openFor(5000) reached this replica: open, with reason remote, for about 5 s.
      const deadline = Date.now() + 5_000;
      while (payments.state !== 'open' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
      expect(payments.state).toBe('open');
      expect(opened?.reason).toBe('remote');
      // Read as it opened: the child may take seconds to exit on a loaded machine after it published.
      expect(opened?.retryAfterMs).toBeGreaterThan(4_000);
      expect(opened?.retryAfterMs).toBeLessThanOrEqual(5_000);
    } finally {
      await stop();
      template.disconnect();
    }
  });
});
