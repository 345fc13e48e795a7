import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BreakerRegistry } from '../registry.js';
import type { StatusSnapshot, TransitionRecord } from './breaker-status.js';
import { FEED_SIZE, StatusMonitor, TICK_MS } from './status-monitor.js';

const off = { telemetry: { enabled: false } } as const;

function settle(registry: BreakerRegistry, name: string, ok: number, failed: number): void {
  const b = registry.get(name);
  for (let i = 0; i < ok; i++) b.tryAcquire()?.success();
  for (let i = 0; i < failed; i++) b.tryAcquire()?.failure(new Error('down'));
}

describe('StatusMonitor', () => {
  let registry: BreakerRegistry;
  let monitor: StatusMonitor;
  let ticks: StatusSnapshot[];
  let transitions: TransitionRecord[];
  const listener = {
    tick: (s: StatusSnapshot) => ticks.push(s),
    transition: (r: TransitionRecord) => transitions.push(r),
  };

  beforeEach(() => {
    vi.useFakeTimers();
    registry = new BreakerRegistry(off);
    monitor = new StatusMonitor(registry);
    ticks = [];
    transitions = [];
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('starts one timer for the first listener and none for the next; the last one to leave clears it', () => {
    expect(vi.getTimerCount()).toBe(0);
    const a = monitor.subscribe(listener);
    const b = monitor.subscribe({ tick() {}, transition() {} });
    expect(vi.getTimerCount()).toBe(1);
    a();
    a(); // twice is once
    expect([vi.getTimerCount(), monitor.size]).toEqual([1, 1]);
    b();
    expect([vi.getTimerCount(), monitor.size]).toEqual([0, 0]);
  });

  it('ticks once a second with calls/s, rejected/s and the failure share of the last seconds', () => {
    registry.get('api', { failureThreshold: 1000 });
    const stop = monitor.subscribe(listener);
    settle(registry, 'api', 8, 2);
    vi.advanceTimersByTime(TICK_MS);
    settle(registry, 'api', 10, 10);
    vi.advanceTimersByTime(TICK_MS);
    expect(ticks).toHaveLength(2);
    const [first, second] = ticks.map((t) => t.breakers[0]!);
    expect(first).toMatchObject({ callsPerSecond: 10, failureRate: 20, sample: 20, rejectedPerSecond: 0 });
    expect(second).toMatchObject({ callsPerSecond: 15, failureRate: 40, sample: 50 });
    expect(first?.history).toBeUndefined();
    expect(monitor.snapshot(true).breakers[0]?.history).toEqual([20, 50]);
    registry.get('api').forceOpen();
    for (let i = 0; i < 6; i++) registry.get('api').tryAcquire();
    vi.advanceTimersByTime(TICK_MS);
    // Open: no calls settle, so the share stays what it was over the seconds that had calls.
    expect(ticks[2]?.breakers[0]).toMatchObject({ state: 'forced_open', sample: null, failureRate: 40 });
    expect(ticks[2]?.breakers[0]?.rejectedPerSecond).toBe(2);
    stop();
  });

  it('watches breakers created after it started and lets go of removed ones', () => {
    const stop = monitor.subscribe(listener);
    const late = registry.get('late', { failureThreshold: 1 });
    vi.advanceTimersByTime(TICK_MS);
    late.tryAcquire()?.failure(new Error('down'));
    expect(transitions).toMatchObject([{ name: 'late', to: 'open', reason: 'consecutive_failures' }]);
    registry.remove('late');
    vi.advanceTimersByTime(TICK_MS);
    late.close();
    expect(transitions).toHaveLength(1);
    expect(ticks[1]?.breakers).toEqual([]);
    stop();
  });

  it('keeps the newest transitions first, at most FEED_SIZE, and forgets them when the last listener leaves', () => {
    const b = registry.get('flappy');
    registry.get('calm');
    const stop = monitor.subscribe(listener);
    for (let i = 0; i < FEED_SIZE + 5; i++) {
      b.forceOpen();
      b.close();
    }
    const feed = monitor.snapshot(false).transitions;
    expect(feed).toHaveLength(FEED_SIZE);
    expect(feed[0]).toMatchObject({ name: 'flappy', from: 'forced_open', to: 'closed', reason: 'manual' });
    stop();
    // Without listeners the feed is each breaker's last transition, read from the breakers themselves.
    expect(monitor.snapshot(false).transitions).toMatchObject([{ name: 'flappy', to: 'closed' }]);
  });

  it('reports a failing snapshot once and keeps ticking', () => {
    const error = vi.spyOn(console, 'error').mockImplementation(() => {});
    const b = registry.get('api');
    const stop = monitor.subscribe(listener);
    vi.spyOn(b, 'getMetrics').mockImplementation(() => {
      throw new Error('broken');
    });
    vi.advanceTimersByTime(3 * TICK_MS);
    expect(error).toHaveBeenCalledTimes(1);
    vi.mocked(b.getMetrics).mockRestore();
    vi.advanceTimersByTime(TICK_MS);
    expect(ticks).toHaveLength(1);
    stop();
    error.mockRestore();
  });
});
