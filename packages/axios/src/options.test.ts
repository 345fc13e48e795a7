import { BreakerRegistry, defaultRegistry } from '@tripswitch/core';
import { AxiosHeaders, type InternalAxiosRequestConfig } from 'axios';
import { describe, expect, it } from 'vitest';
import { originKey, requestUrl, resolveAxiosOptions } from './options.js';

function config(fields: Partial<InternalAxiosRequestConfig>): InternalAxiosRequestConfig {
  return { headers: new AxiosHeaders(), ...fields };
}

describe('originKey', () => {
  it.each([
    [{ url: 'http://payments.internal/charges' }, 'http://payments.internal:80'],
    [{ url: 'https://payments.internal/charges?x=1' }, 'https://payments.internal:443'],
    [{ url: 'https://Payments.Internal:8443/charges' }, 'https://payments.internal:8443'],
    [{ baseURL: 'https://api.example.com/v1', url: 'users' }, 'https://api.example.com:443'],
    [{ baseURL: 'https://api.example.com/v1/', url: '/users/1' }, 'https://api.example.com:443'],
    [{ baseURL: 'https://api.example.com' }, 'https://api.example.com:443'],
    [
      { baseURL: 'https://api.example.com', url: 'http://other.example.com:81/x' },
      'http://other.example.com:81',
    ],
    [{ url: 'http://[::1]:8080/x' }, 'http://[::1]:8080'],
  ] as const)('%j → %s', (fields, expected) => {
    expect(originKey(config(fields))).toBe(expected);
  });

  it('keeps the baseURL when allowAbsoluteUrls is false, as Axios does', () => {
    const c = config({
      baseURL: 'https://api.example.com',
      url: 'http://evil.example/x',
      allowAbsoluteUrls: false,
    });
    expect(originKey(c)).toBe('https://api.example.com:443');
  });

  it('gives undefined when the URL is not absolute (Axios then rejects the request itself)', () => {
    expect(originKey(config({ url: '/relative' }))).toBeUndefined();
    expect(originKey(config({}))).toBeUndefined();
    expect(requestUrl(config({ url: '//host.example/x' }))).toBeUndefined();
  });
});

describe('resolveAxiosOptions', () => {
  it('applies the defaults and keeps the Axios-only options away from core', () => {
    const o = resolveAxiosOptions(undefined);
    expect(o.registry).toBe(defaultRegistry);
    expect(o.respectRetryAfter).toBe(true);
    expect(o.customKey).toBe(false);
    expect(o.breakerOptions).toEqual({});

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
      customKey: true,
      respectRetryAfter: false,
    });
    expect(r.breakerOptions).toEqual({ failureThreshold: 3, traceCalls: true });
  });

  it("turns core's ignore list into a predicate", () => {
    class Skip extends Error {}
    const o = resolveAxiosOptions({ ignore: [Skip] });
    expect(o.ignore?.(new Skip())).toBe(true);
    expect(o.ignore?.(new Error())).toBe(false);
    expect(resolveAxiosOptions({ ignore: [] }).ignore).toBeUndefined();
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
