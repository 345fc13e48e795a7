import { describe, expect, it } from 'vitest';
import { circuitBreaker } from './circuit-breaker-decorator.js';
import { isCallTimeoutError } from './errors.js';
import { BreakerRegistry } from './registry.js';

/**
 * TypeScript's `experimentalDecorators` (NestJS) calls a method decorator as (prototype, key, descriptor)
 * and uses the returned descriptor; this is exactly what its emitted `__decorate` helper does.
 */
function legacyDecorate(decorator: MethodDecorator, proto: object, key: string): void {
  const descriptor = Object.getOwnPropertyDescriptor(proto, key) as PropertyDescriptor;
  const result = decorator(proto, key, descriptor) as PropertyDescriptor | undefined;
  Object.defineProperty(proto, key, result ?? descriptor);
}

describe('circuitBreaker decorator (experimentalDecorators)', () => {
  it('protects the method and keeps `this`', async () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    class Client {
      base = 10;
      async add(n: number) {
        if (n < 0) throw new Error('negative');
        return this.base + n;
      }
    }
    legacyDecorate(
      circuitBreaker({ registry, failureThreshold: 1 }) as MethodDecorator,
      Client.prototype,
      'add',
    );
    const client = new Client();
    await expect(client.add(5)).resolves.toBe(15);
    await expect(client.add(-1)).rejects.toThrow('negative');
    await expect(client.add(5)).rejects.toMatchObject({ code: 'CIRCUIT_OPEN', breakerName: 'Client.add' });
  });

  it("passes the call's signal to the last parameter with signal: 'last', honouring the caller's", async () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    const ids: string[] = [];
    class Orders {
      fetch(id: string, signal?: AbortSignal): Promise<string> {
        ids.push(id);
        return new Promise((_, reject) => signal?.addEventListener('abort', () => reject(signal.reason)));
      }
    }
    legacyDecorate(
      circuitBreaker({ registry, timeout: 60_000, signal: 'last' }) as MethodDecorator,
      Orders.prototype,
      'fetch',
    );
    const caller = new AbortController();
    const pending = new Orders().fetch('o-1', caller.signal).catch((e: unknown) => e);
    caller.abort(new Error('caller gave up'));
    const error = await pending;
    expect(isCallTimeoutError(error)).toBe(false);
    expect(error).toMatchObject({ message: 'caller gave up' });
    expect(ids).toEqual(['o-1']);
    expect(registry.get('Orders.fetch').getMetrics()).toMatchObject({ ignoredCount: 1, failureCount: 0 });
  });

  it('refuses to decorate something that is not a method', () => {
    const decorate = circuitBreaker() as (t: object, k: string, d: PropertyDescriptor) => unknown;
    expect(() => decorate({}, 'x', { value: 42 })).toThrow(/applies to methods/);
  });
});
