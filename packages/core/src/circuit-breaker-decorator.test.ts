import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker-decorator.js';
import { isCircuitOpenError } from './errors.js';
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
});
