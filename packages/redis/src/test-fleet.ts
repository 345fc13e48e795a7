import {
  BreakerRegistry,
  type CircuitBreaker,
  type CircuitBreakerOptions,
  isCircuitOpenError,
  type TelemetryOptions,
} from '@tripswitch/core';
import { Redis } from 'ioredis';
import { type Coordination, coordinate } from './index.js';
import type { CoordinateOptions } from './options.js';

/** One replica of an in-process fleet: its registry, its breaker, its coordination and its calls. */
export interface Replica {
  readonly id: string;
  readonly registry: BreakerRegistry;
  readonly breaker: CircuitBreaker<unknown>;
  coordination: Coordination;
  /** Calls this replica's breaker let through to the upstream, split by whether they were trials. */
  calls: number;
  trials: number;
  readonly client: Redis;
}

/** A shared fake upstream: `up` decides whether calls succeed. */
export interface Upstream {
  up: boolean;
}

/** `n` replicas, each a registry with one breaker `upstream` coordinated through the Redis at `url`. */
export async function startFleet(
  url: string,
  n: number,
  breakerOptions: Omit<CircuitBreakerOptions<never>, 'name'>,
  options: Partial<CoordinateOptions> = {},
  telemetryOf: (index: number) => TelemetryOptions = () => ({ enabled: false }),
): Promise<Replica[]> {
  const replicas: Replica[] = [];
  for (let i = 0; i < n; i++) {
    const id = `replica-${String.fromCharCode(97 + i)}`;
    const telemetry = telemetryOf(i);
    const registry = new BreakerRegistry({ telemetry });
    const breaker = registry.get('upstream', { telemetry, ...breakerOptions });
    const client = new Redis(url, { lazyConnect: true });
    const coordination = await coordinate(registry, {
      redis: client,
      instanceId: id,
      channel: 'fleet-test',
      keyPrefix: 'fleet-test:',
      ...options,
    });
    replicas.push({ id, registry, breaker, coordination, calls: 0, trials: 0, client });
  }
  return replicas;
}

/** One call through `replica`'s breaker to `upstream`; rejections are swallowed, other outcomes counted. */
export async function callOnce(replica: Replica, upstream: Upstream): Promise<void> {
  const permit = replica.breaker.admit();
  if (isCircuitOpenError(permit)) return;
  replica.calls++;
  if (permit.trial) replica.trials++;
  await Promise.resolve();
  if (upstream.up) permit.success();
  else permit.failure(new Error('upstream down'));
}

/** Every replica calls once every `everyMs` until `check()` holds or `limitMs` passed; returns whether it held. */
export async function driveUntil(
  replicas: readonly Replica[],
  upstream: Upstream,
  limitMs: number,
  check: () => boolean,
  everyMs = 5,
): Promise<boolean> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    await Promise.all(replicas.map((r) => callOnce(r, upstream)));
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
  return check();
}

export async function stopFleet(replicas: readonly Replica[]): Promise<void> {
  await Promise.all(replicas.map((r) => r.coordination()));
  for (const r of replicas) r.client.disconnect();
}

/** The value at quantile `q` (0..1) of `values`. */
export function quantile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] as number;
}
