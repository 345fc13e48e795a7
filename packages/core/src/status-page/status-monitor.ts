import type { CircuitBreaker } from '../circuit-breaker.js';
import type { Unsubscribe } from '../events.js';
import type { BreakerRegistry } from '../registry.js';
import { BreakerSampler } from './breaker-sampler.js';
import {
  type BreakerStatus,
  compareStatus,
  describeBreaker,
  lastTransitionOf,
  MAX_TILES,
  type StatusSnapshot,
  type TransitionRecord,
} from './breaker-status.js';

/** What a live page is sent: a snapshot once a second, and each transition as it happens. */
export interface StatusListener {
  tick(snapshot: StatusSnapshot): void;
  transition(record: TransitionRecord): void;
}

/** How often the breakers are sampled and a snapshot is sent, in ms. */
export const TICK_MS = 1000;
/** Transitions kept for the feed. */
export const FEED_SIZE = 50;

interface Watched {
  readonly sampler: BreakerSampler;
  readonly unsubscribe: Unsubscribe;
}

/**
 * Watches the breakers of a registry for as long as anyone listens: the first listener starts one
 * interval timer and a `stateChange` listener per breaker, the last one to leave removes all of them.
 * With no listener it holds nothing, and a snapshot is read straight from the breakers.
 */
export class StatusMonitor {
  private readonly listeners = new Set<StatusListener>();
  private readonly watched = new Map<CircuitBreaker<unknown>, Watched>();
  private feed: TransitionRecord[] = [];
  private timer: ReturnType<typeof setInterval> | undefined;
  private tickErrorLogged = false;

  constructor(private readonly registry: BreakerRegistry) {}

  /** Listeners right now (one per open page). */
  get size(): number {
    return this.listeners.size;
  }

  /** Adds a listener, starting the watch if it is the first; the disposer stops it after the last. */
  subscribe(listener: StatusListener): Unsubscribe {
    if (this.listeners.size === 0) this.start();
    this.listeners.add(listener);
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.stop();
    };
  }

  /** Every breaker now, worst first, with the feed; `detail` adds each breaker's sparkline history. */
  snapshot(detail: boolean): StatusSnapshot {
    const now = Date.now();
    const running = this.timer !== undefined;
    const statuses: BreakerStatus[] = [];
    for (const breaker of this.registry.all()) {
      statuses.push(describeBreaker(breaker, this.watched.get(breaker)?.sampler, now, detail));
    }
    statuses.sort(compareStatus);
    return {
      at: now,
      sampling: running,
      breakers: statuses.length > MAX_TILES ? statuses.slice(0, MAX_TILES) : statuses,
      omitted: Math.max(0, statuses.length - MAX_TILES),
      transitions: running ? this.feed.slice() : this.seedFeed(now),
    };
  }

  private start(): void {
    this.feed = this.seedFeed(Date.now());
    this.sync();
    this.timer = setInterval(() => this.tick(), TICK_MS);
    // An open page must not keep a process alive that is otherwise done.
    this.timer.unref?.();
  }

  private stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
    for (const w of this.watched.values()) w.unsubscribe();
    this.watched.clear();
    this.feed = [];
  }

  /** Without a watch, the feed is each breaker's last transition. */
  private seedFeed(now: number): TransitionRecord[] {
    const feed: TransitionRecord[] = [];
    for (const breaker of this.registry.all()) {
      const last = lastTransitionOf(breaker, now);
      if (last !== null) feed.push(last);
    }
    return feed.sort((a, b) => b.at - a.at).slice(0, FEED_SIZE);
  }

  /** Watches breakers created since the last look, forgets removed ones, and samples all of them. */
  private sync(): void {
    const now = Date.now();
    const current = new Set(this.registry.all());
    for (const [breaker, w] of this.watched) {
      if (!current.has(breaker)) {
        w.unsubscribe();
        this.watched.delete(breaker);
      }
    }
    for (const breaker of current) {
      let w = this.watched.get(breaker);
      if (w === undefined) {
        const unsubscribe = breaker.on('stateChange', (e) =>
          this.transition({ name: breaker.name, from: e.from, to: e.to, reason: e.reason, at: Date.now() }),
        );
        w = { sampler: new BreakerSampler(), unsubscribe };
        this.watched.set(breaker, w);
      }
      w.sampler.sample(breaker.getMetrics(), now);
    }
  }

  private tick(): void {
    try {
      this.sync();
      const snapshot = this.snapshot(false);
      for (const listener of this.listeners) listener.tick(snapshot);
    } catch (error) {
      if (this.tickErrorLogged) return;
      this.tickErrorLogged = true;
      console.error('[tripswitch] the status page could not take a snapshot (reported once):', error);
    }
  }

  private transition(record: TransitionRecord): void {
    this.feed.unshift(record);
    if (this.feed.length > FEED_SIZE) this.feed.pop();
    for (const listener of this.listeners) listener.transition(record);
  }
}
