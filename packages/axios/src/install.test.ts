import { BreakerRegistry } from '@tripswitch/core';
import axios, { type AxiosError } from 'axios';
import { describe, expect, it } from 'vitest';
import { isCircuitOpenError, withBreaker } from './index.js';
import { closedPort, counts, rejectionOf, useHarness } from './test-support.js';

const h = useHarness();
const client = h.client;
const breakerOf = h.breaker;

describe('withBreaker: installing and detaching', () => {
  it('validates options at once, naming the option and the value', () => {
    const http = axios.create();
    expect(() => withBreaker(http, { failureThreshold: 0 })).toThrow(
      new RangeError('failureThreshold must be an integer >= 1, got 0'),
    );
    expect(() => withBreaker(http, { resetTimeout: -1 })).toThrow(RangeError);
    expect(() => withBreaker(http, { nope: 1 } as never)).toThrow(new TypeError('unknown option "nope"'));
    expect(() => withBreaker(http, { key: 'origin' } as never)).toThrow(
      new TypeError('key must be a function, got "origin"'),
    );
    expect(() => withBreaker(http, { isFailure: true } as never)).toThrow(
      new TypeError('isFailure must be a function, got true'),
    );
    expect(() => withBreaker(http, { fallback: {} } as never)).toThrow(
      new TypeError('fallback must be a function, got {}'),
    );
    expect(() => withBreaker(http, { respectRetryAfter: 'yes' } as never)).toThrow(
      new TypeError('respectRetryAfter must be a boolean, got "yes"'),
    );
    expect(() => withBreaker(http, { registry: new Map() } as never)).toThrow(
      new TypeError('registry must be a BreakerRegistry, got {}'),
    );
    expect(() => withBreaker(http, { timeout: 100 } as never)).toThrow(
      /^timeout is not an option of withBreaker/,
    );
    expect(() => withBreaker(http, { name: 'x' } as never)).toThrow(/^name is not an option of withBreaker/);
    expect(() => withBreaker(http, 5 as never)).toThrow(
      new TypeError('withBreaker options must be an object, got 5'),
    );
    expect(() => withBreaker({} as never)).toThrow(
      new TypeError('withBreaker(instance) needs an Axios instance, got {}'),
    );
    // Nothing was installed by the failed calls.
    expect(() => withBreaker(http, { registry: h.registry })()).not.toThrow();
  });

  it('returns a detach function that restores the instance exactly, once', async () => {
    const http = axios.create({ baseURL: h.upstream.origin });
    const original = http.defaults.adapter;
    const detach = withBreaker(http, { registry: h.registry, clock: h.clock, failureThreshold: 1 });
    expect(http.defaults.adapter).not.toBe(original);

    h.upstream.mode = { status: 500 };
    await rejectionOf(http.get('/x'));
    expect(isCircuitOpenError(await rejectionOf(http.get('/x')))).toBe(true);

    detach();
    expect(http.defaults.adapter).toBe(original);
    detach();
    expect(http.defaults.adapter).toBe(original);
    // Detached: requests reach the open breaker's upstream again, and are not counted.
    h.upstream.mode = { status: 200 };
    await expect(http.get('/x')).resolves.toMatchObject({ status: 200 });
    expect(counts(breakerOf())).toMatchObject({ failure: 1, rejected: 1, success: 0 });

    // An instance without an own adapter gets none back.
    const bare = axios.create();
    delete bare.defaults.adapter;
    withBreaker(bare, { registry: h.registry })();
    expect(Object.hasOwn(bare.defaults, 'adapter')).toBe(false);
  });

  it('refuses a second install on the same instance, and allows one after detaching', () => {
    const http = axios.create();
    const detach = withBreaker(http, { registry: h.registry });
    expect(() => withBreaker(http, { registry: h.registry })).toThrow(/already has a tripswitch breaker/);
    detach();
    expect(() => withBreaker(http, { registry: h.registry })).not.toThrow();
  });

  it('leaves an adapter that replaced its own in place when detached', () => {
    const http = axios.create();
    const detach = withBreaker(http, { registry: h.registry });
    const replacement = axios.getAdapter('http');
    http.defaults.adapter = replacement;
    detach();
    expect(http.defaults.adapter).toBe(replacement);
  });

  it('gives an instance made with create() its own breakers, not two in a row', async () => {
    const parent = client({ failureThreshold: 1 });
    const childRegistry = new BreakerRegistry();
    const child = parent.create({ baseURL: h.upstream.origin });
    expect(child.defaults.adapter).toBe(parent.defaults.adapter);
    withBreaker(child, { registry: childRegistry, clock: h.clock, failureThreshold: 1 });
    h.upstream.mode = { status: 500 };
    await rejectionOf(child.get('/x'));
    expect(childRegistry.has(h.upstream.origin)).toBe(true);
    expect(childRegistry.get(h.upstream.origin).state).toBe('open');
    expect(h.registry.has(h.upstream.origin)).toBe(false);
    // The parent's breaker is untouched: its requests still go out.
    h.upstream.mode = { status: 200 };
    await expect(parent.get('/x')).resolves.toMatchObject({ status: 200 });
  });

  it('works on the default axios export', async () => {
    const detach = withBreaker(axios, { registry: h.registry, clock: h.clock, failureThreshold: 1 });
    try {
      h.upstream.mode = { status: 500 };
      await rejectionOf(axios.get(`${h.upstream.origin}/x`));
      expect(isCircuitOpenError(await rejectionOf(axios.get(`${h.upstream.origin}/x`)))).toBe(true);
    } finally {
      detach();
    }
  });

  it('sends requests to a refused port through the breaker (ECONNREFUSED is a failure)', async () => {
    const port = await closedPort();
    const http = axios.create({ baseURL: `http://127.0.0.1:${port}` });
    withBreaker(http, { registry: h.registry, clock: h.clock, failureThreshold: 2 });
    expect(((await rejectionOf(http.get('/x'))) as AxiosError).code).toBe('ECONNREFUSED');
    expect(((await rejectionOf(http.get('/x'))) as AxiosError).code).toBe('ECONNREFUSED');
    expect(isCircuitOpenError(await rejectionOf(http.get('/x')))).toBe(true);
  });
});
