import { describe, expect, it } from 'vitest';
import { BreakerRegistry, defaultRegistry } from '../registry.js';
import { resolveHttpAdapterOptions } from './http-adapter-options.js';

const off = { telemetry: { enabled: false } } as const;
const isFailure = (status: number): boolean => status >= 500;
const resolve = (options: unknown) => resolveHttpAdapterOptions(options as never, { isFailure });

describe('resolveHttpAdapterOptions', () => {
  it('applies the defaults, with the adapter its own isFailure', () => {
    expect(resolveHttpAdapterOptions(undefined, { isFailure })).toEqual({
      name: undefined,
      registry: defaultRegistry,
      isFailure,
      onReject: undefined,
      rejectWith: 'response',
      deadline: undefined,
      ignoreCircuitOpen: true,
      core: {},
    });
  });

  it('splits the adapter options from the core options', () => {
    const registry = new BreakerRegistry(off);
    const mine = (status: number): boolean => status >= 400;
    const onReject = (): void => {};
    const adapter = {
      name: 'n',
      registry,
      isFailure: mine,
      onReject,
      rejectWith: 'error',
      deadline: 5_000,
      ignoreCircuitOpen: false,
    } as const;
    const o = resolveHttpAdapterOptions({ ...adapter, failureThreshold: 3, ...off }, { isFailure });
    expect(o).toEqual({ ...adapter, core: { failureThreshold: 3, ...off } });
    expect(o.registry).toBe(registry);
  });

  it('treats null like undefined, as the core does', () => {
    const keys =
      'name registry isFailure onReject rejectWith deadline ignoreCircuitOpen timeout window'.split(' ');
    const nulls = Object.fromEntries(keys.map((key) => [key, null]));
    expect(resolve(nulls)).toEqual(resolveHttpAdapterOptions(undefined, { isFailure }));
  });

  it('accepts a registry by shape, as one from another copy of the core would be', () => {
    const registry = { get: () => undefined, snapshot: () => ({}) };
    expect(resolve({ registry }).registry).toBe(registry);
  });

  it('throws at once, naming the option and the value', () => {
    expect(() => resolve(null)).toThrow(new TypeError('breaker options must be an object, got null'));
    expect(() => resolve('x')).toThrow(new TypeError('breaker options must be an object, got "x"'));
    expect(() => resolve({ name: '' })).toThrow(new TypeError('name must be a non-empty string, got ""'));
    expect(() => resolve({ name: 7 })).toThrow(new TypeError('name must be a non-empty string, got 7'));
    expect(() => resolve({ rejectWith: 'throw' })).toThrow(
      new TypeError(`rejectWith must be 'response' or 'error', got "throw"`),
    );
    expect(() => resolve({ isFailure: true })).toThrow(
      new TypeError('isFailure must be a function, got true'),
    );
    expect(() => resolve({ onReject: 'x' })).toThrow(new TypeError('onReject must be a function, got "x"'));
    expect(() => resolve({ deadline: 0 })).toThrow(
      new RangeError('deadline must be a finite number of ms > 0, got 0'),
    );
    expect(() => resolve({ deadline: 2 ** 31 })).toThrow(
      new RangeError(
        'deadline must be at most 2147483647 ms (2^31-1, the longest timer Node.js sets), got 2147483648',
      ),
    );
    expect(() => resolve({ ignoreCircuitOpen: 'yes' })).toThrow(
      new TypeError('ignoreCircuitOpen must be a boolean, got "yes"'),
    );
    // Objects are shown as JSON, as the core shows them.
    expect(() => resolve({ registry: {} })).toThrow(
      new TypeError('registry must be a BreakerRegistry, got {}'),
    );
  });

  it('refuses the core options that only apply to execute()', () => {
    for (const key of ['timeout', 'fallback', 'isResultFailure', 'ignore']) {
      expect(() => resolve({ [key]: 100 })).toThrow(
        new TypeError(`${key} applies to execute() and has no effect on a middleware, got 100`),
      );
    }
    expect(() => resolve({ fallback: () => 1 })).toThrow(/^fallback .* got a function$/);
  });

  it('validates the core options as the CircuitBreaker constructor does', () => {
    expect(() => resolve({ failureThreshold: 0 })).toThrow(
      new RangeError('failureThreshold must be an integer >= 1, got 0'),
    );
    expect(() => resolve({ nope: true })).toThrow(new TypeError('unknown option "nope"'));
    expect(() => resolve({ initialState: { version: 2 } })).toThrow();
  });
});
