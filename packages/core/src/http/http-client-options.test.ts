import { describe, expect, it } from 'vitest';
import { BreakerRegistry, defaultRegistry } from '../registry.js';
import { resolveHttpClientOptions } from './http-client-options.js';

const adapter = { name: 'withBreaker', refused: { timeout: "use the client's own timeout" } };
const resolve = (options: unknown) => resolveHttpClientOptions(options as never, adapter);

describe('resolveHttpClientOptions', () => {
  it('applies the defaults', () => {
    expect(resolve(undefined)).toEqual({
      key: undefined,
      registry: defaultRegistry,
      isFailure: undefined,
      fallback: undefined,
      respectRetryAfter: true,
      maxRetryAfter: 600_000,
      ignore: undefined,
      onListenerError: undefined,
      core: {},
    });
  });

  it('splits the client options from the core options', () => {
    const registry = new BreakerRegistry();
    const key = () => 'k';
    const onListenerError = () => {};
    const o = resolve({
      key,
      registry,
      respectRetryAfter: false,
      maxRetryAfter: 5000,
      failureThreshold: 2,
      onListenerError,
    });
    expect(o).toMatchObject({
      key,
      registry,
      respectRetryAfter: false,
      maxRetryAfter: 5000,
      onListenerError,
    });
    expect(o.core).toEqual({ failureThreshold: 2, onListenerError });
  });

  it('treats null as not given, for every option', () => {
    const clientKeys = ['key', 'registry', 'isFailure', 'fallback', 'respectRetryAfter', 'maxRetryAfter'];
    const keys = [...clientKeys, 'timeout', 'window'];
    expect(resolve(Object.fromEntries(keys.map((k) => [k, null])))).toEqual(resolve(undefined));
    expect(resolve(null)).toEqual(resolve(undefined));
  });

  it('accepts a registry by shape', () => {
    const registry = { get: () => undefined, snapshot: () => ({}) };
    expect(resolve({ registry }).registry).toBe(registry);
  });

  it('turns a list of ignored classes into one predicate', () => {
    class Skip extends Error {}
    const { ignore } = resolve({ ignore: [Skip] });
    expect(ignore?.(new Skip())).toBe(true);
    expect(ignore?.(new Error())).toBe(false);
    expect(resolve({ ignore: [] }).ignore).toBeUndefined();
  });

  it('throws at once, naming the option and the value', () => {
    expect(() => resolve('x')).toThrow(new TypeError('withBreaker options must be an object, got "x"'));
    expect(() => resolve({ timeout: 5 })).toThrow(
      new TypeError("timeout is not an option of withBreaker (got 5): use the client's own timeout"),
    );
    expect(() => resolve({ key: 'origin' })).toThrow(new TypeError('key must be a function, got "origin"'));
    expect(() => resolve({ respectRetryAfter: 'yes' })).toThrow(
      new TypeError('respectRetryAfter must be a boolean, got "yes"'),
    );
    expect(() => resolve({ maxRetryAfter: 0 })).toThrow(RangeError);
    expect(() => resolve({ maxRetryAfter: 0 })).toThrow(/^maxRetryAfter .* got 0$/);
    expect(() => resolve({ registry: {} })).toThrow(/^registry must be a BreakerRegistry/);
    expect(() => resolve({ failureThreshold: 0 })).toThrow(
      new RangeError('failureThreshold must be an integer >= 1, got 0'),
    );
    expect(() => resolve({ nope: 1 })).toThrow(new TypeError('unknown option "nope"'));
  });
});
