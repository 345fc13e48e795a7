import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { BreakerRegistry } from './registry.js';

describe('breakers keep nothing running', () => {
  it('10,000 breakers, used, tripped and half-opened, leave no timer or handle behind', async () => {
    const before = process
      .getActiveResourcesInfo()
      .filter((r) => r !== 'TTYWrap')
      .sort();
    const registry = new BreakerRegistry({ maxBreakers: 20_000 });
    const boom = () => Promise.reject(new Error('down'));
    for (let i = 0; i < 10_000; i++) {
      const breaker =
        i % 2 === 0
          ? registry.get(`b${i}`, { failureThreshold: 1, resetTimeout: 0 })
          : new CircuitBreaker({ name: `c${i}`, window: { type: 'time', duration: 1000 }, minimumCalls: 1 });
      await breaker.execute(async () => i);
      await breaker.execute(boom).catch(() => {});
      expect(breaker.state).not.toBe('closed');
      if (i % 2 === 0) await breaker.execute(async () => i); // the half_open trial closes it
    }
    const after = process
      .getActiveResourcesInfo()
      .filter((r) => r !== 'TTYWrap')
      .sort();
    expect(after).toEqual(before);
  });
});
