import { BreakerRegistry, defaultRegistry } from '@tripswitch/core';
import axios from 'axios';
import { describe, expect, it } from 'vitest';
import { withBreaker } from './index.js';
import { resolveAxiosOptions } from './options.js';

describe('resolveAxiosOptions', () => {
  it('applies the defaults and keeps the Axios-only options away from core', () => {
    const o = resolveAxiosOptions(undefined);
    expect(o.registry).toBe(defaultRegistry);
    expect(o.respectRetryAfter).toBe(true);
    expect(o.key).toBeUndefined();
    expect(o.core).toEqual({});

    const registry = new BreakerRegistry();
    const isFailure = () => true;
    const fallback = () => ({ data: null });
    const key = () => 'k';
    const r = resolveAxiosOptions({
      registry,
      isFailure,
      fallback,
      key,
      respectRetryAfter: false,
      failureThreshold: 3,
      traceCalls: true,
    });
    expect(r).toMatchObject({
      registry,
      isFailure,
      fallback,
      key,
      respectRetryAfter: false,
    });
    expect(r.core).toEqual({ failureThreshold: 3, traceCalls: true });
  });

  it("turns core's ignore list into a predicate", () => {
    class Skip extends Error {}
    const o = resolveAxiosOptions({ ignore: [Skip] });
    expect(o.ignore?.(new Skip())).toBe(true);
    expect(o.ignore?.(new Error())).toBe(false);
    expect(resolveAxiosOptions({ ignore: [] }).ignore).toBeUndefined();
  });

  it('treats null as not given, as every adapter does', () => {
    const http = axios.create();
    expect(() => withBreaker(http, { isFailure: null, key: null, registry: null } as never)).not.toThrow();
    expect(resolveAxiosOptions({ isFailure: null, respectRetryAfter: null } as never)).toMatchObject({
      isFailure: undefined,
      respectRetryAfter: true,
    });
  });

  it('accepts a registry by shape, as one from another copy of the core would be', () => {
    const registry = { get: () => undefined, snapshot: () => ({}) };
    expect(resolveAxiosOptions({ registry } as never).registry).toBe(registry);
  });

  it('rejects the core options withBreaker cannot apply, saying what to use instead', () => {
    expect(() => resolveAxiosOptions({ isResultFailure: () => true } as never)).toThrow(
      /^isResultFailure is not an option of withBreaker \(got a function\): use `isFailure`/,
    );
    expect(() => resolveAxiosOptions({ initialState: {} } as never)).toThrow(
      /^initialState is not an option/,
    );
    expect(() => resolveAxiosOptions({ timeout: 5 } as never)).toThrow(
      "timeout is not an option of withBreaker (got 5): use Axios's own `timeout` option",
    );
  });
});
