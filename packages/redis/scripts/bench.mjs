// node packages/redis/scripts/bench.mjs (after a build): closed execute() with coordination on vs off,
// and the Redis commands one trip and one recovery cost. Needs redis-server on PATH.
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import { Redis } from 'ioredis';
import { coordinate } from '../dist/index.js';

const port = 20000 + Math.floor(Math.random() * 20000);
const server = spawn(
  'redis-server',
  ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
  { stdio: 'ignore' },
);
const url = `redis://127.0.0.1:${port}`;
const admin = new Redis(url);
admin.on('error', () => {});
await sleep(300);

async function nsPerCall(breaker, n) {
  const fn = () => 1;
  for (let i = 0; i < 50_000; i++) await breaker.execute(fn);
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < n; i++) await breaker.execute(fn);
  return Number(process.hrtime.bigint() - t0) / n;
}
const off = new BreakerRegistry({ telemetry: { enabled: false } }).get('off', {
  telemetry: { enabled: false },
});
const onRegistry = new BreakerRegistry({ telemetry: { enabled: false } });
const on = onRegistry.get('on', { telemetry: { enabled: false } });
const stopOn = await coordinate(onRegistry, {
  redis: new Redis(url, { lazyConnect: true }),
  instanceId: 'bench',
});
const rounds = { off: [], on: [] };
for (let r = 0; r < 5; r++) {
  // Alternate the order, so neither side always runs second.
  if (r % 2 === 0) {
    rounds.off.push(await nsPerCall(off, 500_000));
    rounds.on.push(await nsPerCall(on, 500_000));
  } else {
    rounds.on.push(await nsPerCall(on, 500_000));
    rounds.off.push(await nsPerCall(off, 500_000));
  }
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
console.log(
  `closed execute(): off ${median(rounds.off).toFixed(1)} ns, on ${median(rounds.on).toFixed(1)} ns, ratio ${(median(rounds.on) / median(rounds.off)).toFixed(3)}`,
);
await stopOn();

// Commands per trip and per recovery, three replicas, counted by INFO commandstats.
const fleet = [];
for (const id of ['a', 'b', 'c']) {
  const registry = new BreakerRegistry({ telemetry: { enabled: false } });
  const breaker = registry.get('up', {
    failureThreshold: 3,
    resetTimeout: 300,
    telemetry: { enabled: false },
  });
  fleet.push({
    breaker,
    stop: await coordinate(registry, { redis: new Redis(url, { lazyConnect: true }), instanceId: id }),
  });
}
const calls = async () => {
  const stats = await admin.info('commandstats');
  return Object.fromEntries(
    [...stats.matchAll(/cmdstat_(\w+):calls=(\d+)/g)].map((m) => [m[1], Number(m[2])]),
  );
};
const diff = (a, b) =>
  Object.fromEntries(
    Object.entries(b)
      .map(([k, v]) => [k, v - (a[k] ?? 0)])
      .filter(([k, v]) => v > 0 && k !== 'info'),
  );
let before = await calls();
for (let i = 0; i < 3; i++) fleet[0].breaker.tryAcquire()?.failure(new Error('down'));
for (let i = 0; i < 10_000; i++) for (const r of fleet) r.breaker.tryAcquire();
await sleep(100);
console.log('one trip (10,000 rejected calls per replica after it):', diff(before, await calls()));
await sleep(350);
before = await calls();
for (let round = 0; round < 200 && fleet.some((r) => r.breaker.state !== 'closed'); round++) {
  for (const r of fleet) {
    const p = r.breaker.admit();
    if (!isCircuitOpenError(p)) p.success();
  }
  await sleep(2);
}
await sleep(700);
console.log('one recovery:', diff(before, await calls()));
for (const r of fleet) await r.stop();
admin.disconnect();
server.kill('SIGTERM');
