import type { BreakerRegistry, CircuitBreaker } from '@tripswitch/core';
import { CoordinatedBreaker, type Fleet, REMOTE } from './coordinated-breaker.js';
import { CoordinationMetrics, type CoordinationStats } from './coordination-metrics.js';
import { type CoordinationMessage, encodeMessage, fromTraceparent, parseMessage } from './message.js';
import { type CoordinateOptions, type ResolvedCoordinateOptions, resolveOptions } from './options.js';
import { RedisLink } from './redis-link.js';

/** What {@link coordinate} returns: call it to stop coordinating. */
export interface Coordination {
  /** Stops: breakers go back to uncoordinated behaviour, the two Redis connections are closed. */
  (): Promise<void>;
  /** Whether this replica is connected to Redis and subscribed right now. */
  readonly connected: boolean;
  /** This replica's id (`origin` of its messages). */
  readonly instanceId: string;
  /** Message counts since the start. */
  stats(): CoordinationStats;
}

/** A remote open is capped at this many times the breaker's `resetTimeout` unless `maxRemoteOpen` is given. */
const DEFAULT_MAX_REMOTE_OPEN_FACTOR = 10;

/**
 * Coordinates every breaker of `registry` (and those it creates later) with the other replicas of a
 * fleet through Redis: a breaker that opens on one replica opens on all, and when the open period ends
 * one replica (the winner of `SET <keyPrefix>trial:<name> <instanceId> NX PX <trialLease>`) sends the
 * trial calls while the others wait for its verdict. No call ever waits on Redis: counting and
 * admission stay local, and with Redis down, slow or unreachable every replica behaves as an
 * uncoordinated one until the connection is back.
 *
 * Resolves once subscribed and ready to publish, or after `commandTimeout` if Redis does not answer (it keeps trying).
 *
 * @returns a function that stops coordinating, with `connected`, `instanceId` and `stats()`.
 * @throws TypeError or RangeError for invalid options, naming the option and the value.
 * @example
 * ```ts
 * const stop = await coordinate(registry, { redis: new Redis(process.env.REDIS_URL) });
 * process.on('SIGTERM', () => void stop());
 * ```
 */
export async function coordinate(
  registry: BreakerRegistry,
  options: CoordinateOptions,
): Promise<Coordination> {
  if (typeof (registry as { onCreate?: unknown } | null)?.onCreate !== 'function') {
    throw new TypeError('coordinate(registry) needs a BreakerRegistry');
  }
  const o = resolveOptions(options);
  const coordinator = new Coordinator(registry, o);
  await coordinator.start();
  const stop = (() => coordinator.stop()) as Coordination;
  Object.defineProperties(stop, {
    connected: { get: () => coordinator.connected, enumerable: true },
    instanceId: { value: o.instanceId, enumerable: true },
    stats: { value: () => coordinator.metrics.stats() },
  });
  return stop;
}

class Coordinator implements Fleet {
  readonly instanceId: string;
  readonly trialLease: number;
  readonly commandTimeout: number;
  readonly metrics: CoordinationMetrics;
  private readonly link: RedisLink;
  private readonly coordinated = new Map<CircuitBreaker<unknown>, CoordinatedBreaker>();
  private readonly stopWatching: () => void;
  private stopped: Promise<void> | undefined;

  constructor(
    private readonly registry: BreakerRegistry,
    private readonly o: ResolvedCoordinateOptions,
  ) {
    this.instanceId = o.instanceId;
    this.trialLease = o.trialLease;
    this.commandTimeout = o.commandTimeout;
    this.metrics = new CoordinationMetrics(o.meterProvider, o.channel, () => this.connected);
    this.link = new RedisLink(
      o.redis,
      o.channel,
      o.commandTimeout,
      (raw) => this.received(raw),
      () => {},
    );
    this.stopWatching = registry.onCreate((breaker) => this.watch(breaker));
    for (const breaker of registry.all()) this.watch(breaker);
  }

  get connected(): boolean {
    return this.link.connected;
  }

  start(): Promise<void> {
    return this.link.start();
  }

  stop(): Promise<void> {
    this.stopped ??= (async () => {
      this.stopWatching();
      for (const c of this.coordinated.values()) c.dispose();
      this.coordinated.clear();
      this.metrics.dispose();
      await this.link.close();
    })();
    return this.stopped;
  }

  trialKey(name: string): string {
    // Escaped, so a name cannot reach another key, a hash tag (`{…}`) or the key space of another prefix.
    return `${this.o.keyPrefix}trial:${escapeKey(name)}`;
  }

  acquire(key: string): Promise<boolean | undefined> {
    return this.link.acquire(key, this.instanceId, this.trialLease);
  }

  release(key: string): void {
    void this.link.release(key, this.instanceId);
  }

  publish(message: CoordinationMessage): void {
    if (!this.link.connected) return;
    void this.link.publish(encodeMessage(message)).then((sent) => {
      if (sent) this.metrics.count('published', message.type);
    });
  }

  private watch(breaker: CircuitBreaker<unknown>): void {
    if (this.stopped !== undefined || this.coordinated.has(breaker)) return;
    this.coordinated.set(breaker, new CoordinatedBreaker(breaker, this));
  }

  private received(raw: Buffer): void {
    const message = parseMessage(raw);
    if (typeof message === 'string') {
      this.metrics.dropped(message);
      return;
    }
    if (message.origin === this.instanceId) return; // our own, echoed by Redis
    this.metrics.count('received', message.type);
    const { name } = message;
    if (!this.registry.has(name) && !(message.type === 'open' && this.o.createOnRemote)) return;
    const breaker = this.registry.get(name);
    const coordinated = this.coordinated.get(breaker);
    const remote = { reason: REMOTE, origin: message.origin, ...link(message.traceparent) };
    if (message.type === 'open') {
      const cap = this.o.maxRemoteOpen ?? DEFAULT_MAX_REMOTE_OPEN_FACTOR * breaker.resetTimeout;
      breaker.openFor(Math.min(message.remainingMs, cap), remote);
      coordinated?.restart();
    } else {
      const state = breaker.getMetrics().state;
      if (state === 'open' || state === 'half_open') breaker.close(remote);
    }
  }
}

/** Percent-encodes everything but letters, digits and `-_.` (encodeURIComponent leaves `!'()*~`). */
function escapeKey(name: string): string {
  return encodeURIComponent(name).replace(
    /[!'()*~]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function link(traceparent: string | undefined) {
  const sc = fromTraceparent(traceparent);
  return sc === undefined ? {} : { link: sc };
}
