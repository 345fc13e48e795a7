import { afterEach, describe, expect, it, vi } from 'vitest';
import { circuitBreaker } from './circuit-breaker-decorator.js';
import { CallTimeoutError, isCircuitOpenError } from './errors.js';
import { BreakerRegistry } from './registry.js';

describe('circuitBreaker decorator (standard decorators)', () => {
  it('protects a method with the registry breaker of that name, shared by all instances', async () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    class Payments {
      calls = 0;
      constructor(private readonly fail: boolean) {}
      @circuitBreaker({ name: 'payments', failureThreshold: 2, registry })
      async charge(amount: number): Promise<string> {
        this.calls++;
        if (this.fail) throw new Error('declined');
        return `charged ${amount}`;
      }
    }
    const good = new Payments(false);
    const bad = new Payments(true);
    await expect(good.charge(5)).resolves.toBe('charged 5');
    await expect(bad.charge(1)).rejects.toThrow('declined');
    await expect(bad.charge(1)).rejects.toThrow('declined');
    const rejection = await good.charge(5).catch((e: unknown) => e);
    expect(isCircuitOpenError(rejection)).toBe(true);
    expect(good.calls).toBe(1);
    expect(registry.get('payments').getMetrics()).toMatchObject({
      successCount: 1,
      failureCount: 2,
      rejectedCount: 1,
    });
  });

  it('names the breaker ClassName.method by default', async () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    class Inventory {
      @circuitBreaker({ registry })
      async count() {
        return 3;
      }
    }
    await new Inventory().count();
    expect(registry.has('Inventory.count')).toBe(true);
  });

  it('throws at decoration time for invalid options', () => {
    expect(() => circuitBreaker({ failureThreshold: -1 })).toThrow(
      /failureThreshold must be an integer >= 1, got -1/,
    );
  });

  it('throws at decoration time for a bad registry, initialState or signal', () => {
    expect(() => circuitBreaker({ registry: {} as never })).toThrow(
      new TypeError('registry must be a BreakerRegistry, got {}'),
    );
    expect(() => circuitBreaker({ initialState: { version: 1, state: 'sideways' } as never })).toThrow(
      /initialState/,
    );
    expect(() => circuitBreaker({ signal: 'first' as never })).toThrow(TypeError);
    expect(() => {
      class NoParameter {
        @circuitBreaker({ signal: 'last' })
        async ping() {}
      }
      return NoParameter;
    }).toThrow(/must declare the signal/);
  });

  describe("signal: 'last'", () => {
    afterEach(() => {
      vi.useRealTimers();
    });

    it('passes the call signal to the last parameter, so the timeout cancels the method', async () => {
      vi.useFakeTimers();
      const registry = new BreakerRegistry({ telemetry: { enabled: false } });
      const seen: Array<[string, AbortSignal | undefined]> = [];
      class Orders {
        @circuitBreaker({ name: 'orders', timeout: 50, registry, signal: 'last' })
        fetch(id: string, signal?: AbortSignal): Promise<string> {
          seen.push([id, signal]);
          return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
        }
      }
      const pending = new Orders().fetch('o-1').catch((e: unknown) => e);
      await vi.advanceTimersByTimeAsync(50);
      expect(await pending).toBeInstanceOf(CallTimeoutError);
      expect(seen[0]?.[0]).toBe('o-1');
      expect(seen[0]?.[1]?.aborted).toBe(true);
    });
  });
});
