import { BreakerRegistry } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { resolvePluginOptions, resolveRouteOptions } from './options.js';

describe('resolvePluginOptions', () => {
  it('accepts no options, treats null as not given, and drops Fastify’s own register options', () => {
    expect(resolvePluginOptions(undefined).allRoutes).toBe(false);
    const o = resolvePluginOptions({
      allRoutes: null,
      failureThreshold: null,
      prefix: '/x',
      logLevel: 'info',
    } as never);
    expect(o.allRoutes).toBe(false);
    expect(o.defaults.core).toEqual({});
    expect(o.given).toEqual({});
  });

  it('splits the adapter options from the core options', () => {
    const registry = new BreakerRegistry();
    const o = resolvePluginOptions({ registry, allRoutes: true, failureThreshold: 3, rejectWith: 'error' });
    expect(o.allRoutes).toBe(true);
    expect(o.defaults).toMatchObject({ registry, rejectWith: 'error', core: { failureThreshold: 3 } });
  });

  it('accepts a registry by shape, as one from another copy of the core would be', () => {
    const registry = { get: () => undefined, snapshot: () => ({}) };
    expect(resolvePluginOptions({ registry } as never).defaults.registry).toBe(registry);
  });

  it('throws naming the option and the value', () => {
    expect(() => resolvePluginOptions({ allRoutes: 'yes' } as never)).toThrow(
      new TypeError('allRoutes must be a boolean, got "yes"'),
    );
    // Values JSON cannot show are named too (JSON.stringify threw on 1n and said undefined for a symbol).
    expect(() => resolvePluginOptions({ allRoutes: 1n } as never)).toThrow(
      /^allRoutes must be a boolean, got 1/,
    );
    expect(() => resolvePluginOptions({ allRoutes: Symbol('s') } as never)).toThrow(
      /allRoutes .*Symbol\(s\)/,
    );
    expect(() => resolvePluginOptions('x' as never)).toThrow(
      new TypeError('tripswitch options must be an object, got x'),
    );
    expect(() => resolvePluginOptions({ timeout: 100 } as never)).toThrow(/^timeout applies to execute\(\)/);
    expect(() => resolvePluginOptions({ nope: 1 } as never)).toThrow(new TypeError('unknown option "nope"'));
  });
});

describe('resolveRouteOptions', () => {
  const plugin = resolvePluginOptions({ failureThreshold: 3, resetTimeout: 5_000 });

  it('gives no breaker to a route without config.breaker, or with false', () => {
    expect(resolveRouteOptions(plugin, undefined, 'GET /x')).toBeUndefined();
    expect(resolveRouteOptions(plugin, false, 'GET /x')).toBeUndefined();
    const all = resolvePluginOptions({ allRoutes: true });
    expect(resolveRouteOptions(all, undefined, 'GET /x')).toBe(all.defaults);
    expect(resolveRouteOptions(all, false, 'GET /x')).toBeUndefined();
  });

  it('uses the plugin’s options for true, and merges an object onto them (null: the plugin’s)', () => {
    expect(resolveRouteOptions(plugin, true, 'GET /x')).toBe(plugin.defaults);
    const o = resolveRouteOptions(plugin, { failureThreshold: 1, resetTimeout: null } as never, 'GET /x');
    expect(o?.core).toEqual({ failureThreshold: 1, resetTimeout: 5_000 });
  });

  it('throws naming the route, the option and the value, keeping the error class', () => {
    expect(() => resolveRouteOptions(plugin, { failureThreshold: 0 }, 'GET /x')).toThrow(
      new RangeError('GET /x: failureThreshold must be an integer >= 1, got 0'),
    );
    expect(() => resolveRouteOptions(plugin, { rejectWith: 'throw' } as never, 'POST /y')).toThrow(
      new TypeError(`POST /y: rejectWith must be 'response' or 'error', got "throw"`),
    );
    expect(() => resolveRouteOptions(plugin, 1 as never, 'GET /x')).toThrow(
      new TypeError('GET /x: config.breaker must be true, false or breaker options, got 1'),
    );
    expect(() => resolveRouteOptions(plugin, 2n as never, 'GET /x')).toThrow(/config\.breaker .*got 2/);
  });
});
