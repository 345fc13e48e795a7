import { describe, expect, it } from 'vitest';
import { createTestClock } from './clock.js';
import { CircuitOpenError } from './errors.js';
import {
  healthReport,
  rejectionBody,
  rejectionResponse,
  resolveHealthOptions,
  resolveHttpAdapterOptions,
  retryAfterSeconds,
  toHttpError,
} from './http-adapter.js';
import { BreakerRegistry, defaultRegistry } from './registry.js';

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
      core: {},
    });
  });

  it('splits the adapter options from the core options', () => {
    const registry = new BreakerRegistry(off);
    const mine = (status: number): boolean => status >= 400;
    const onReject = (): void => {};
    const o = resolveHttpAdapterOptions(
      { name: 'n', registry, isFailure: mine, onReject, rejectWith: 'error', failureThreshold: 3, ...off },
      { isFailure },
    );
    expect(o).toEqual({
      name: 'n',
      registry,
      isFailure: mine,
      onReject,
      rejectWith: 'error',
      core: { failureThreshold: 3, ...off },
    });
    expect(o.registry).toBe(registry);
  });

  it('treats null like undefined, as the core does', () => {
    const keys = ['name', 'registry', 'isFailure', 'onReject', 'rejectWith', 'timeout', 'window'];
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
    // Objects keep the adapters' String() wording, not the core's JSON.
    expect(() => resolve({ registry: {} })).toThrow(
      new TypeError('registry must be a BreakerRegistry, got [object Object]'),
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

describe('retryAfterSeconds', () => {
  it('rounds up to whole seconds', () => {
    expect(retryAfterSeconds(1000)).toBe(1);
    expect(retryAfterSeconds(1001)).toBe(2);
    expect(retryAfterSeconds(26_100)).toBe(27);
  });

  it('is at least 1, so a half_open breaker with no free trial slot (0 ms) says 1', () => {
    expect(retryAfterSeconds(0)).toBe(1);
    expect(retryAfterSeconds(1)).toBe(1);
  });

  it('is null when the end is not known', () => {
    expect(retryAfterSeconds(Number.POSITIVE_INFINITY)).toBeNull();
    expect(retryAfterSeconds(Number.NaN)).toBeNull();
  });
});

describe('toHttpError and rejectionBody', () => {
  it('decorate an open circuit rejection with 503 and Retry-After', () => {
    const error = new CircuitOpenError('GET /a', 'open', 26_100, 'circuit_open');
    const decorated = toHttpError(error);
    expect(decorated).toBe(error);
    expect(decorated).toMatchObject({
      status: 503,
      statusCode: 503,
      retryAfter: 27,
      headers: { 'Retry-After': '27' },
    });
    expect(rejectionBody(error)).toEqual({ error: 'circuit_open', breaker: 'GET /a', retryAfter: 27 });
  });

  it('leave Retry-After out while forced open', () => {
    const error = new CircuitOpenError('GET /a', 'forced_open', Number.POSITIVE_INFINITY, 'circuit_open');
    expect(toHttpError(error)).toMatchObject({ status: 503, retryAfter: null, headers: {} });
    expect(rejectionBody(error)).toEqual({ error: 'circuit_open', breaker: 'GET /a', retryAfter: null });
  });
});

describe('resolveHealthOptions', () => {
  it('applies the defaults', () => {
    expect(resolveHealthOptions()).toEqual({ registry: defaultRegistry, failWhenOpen: false });
    const registry = new BreakerRegistry(off);
    expect(resolveHealthOptions({ registry, failWhenOpen: true })).toEqual({ registry, failWhenOpen: true });
  });

  it('throws at once on a bad option', () => {
    expect(() => resolveHealthOptions(null as never)).toThrow(
      new TypeError('breakerHealth options must be an object, got null'),
    );
    expect(() => resolveHealthOptions({ failWhenOpen: 'yes' } as never)).toThrow(
      new TypeError('failWhenOpen must be a boolean, got yes'),
    );
    expect(() => resolveHealthOptions({ registry: 42 } as never)).toThrow(
      new TypeError('registry must be a BreakerRegistry, got 42'),
    );
  });
});

describe('healthReport', () => {
  function registryWith(state: 'closed' | 'open' | 'half_open' | 'forced_open' | 'disabled') {
    const clock = createTestClock();
    const registry = new BreakerRegistry(off);
    registry.get('ok', { clock });
    const b = registry.get('b', { clock, resetTimeout: 100 });
    if (state === 'open') b.openFor(100);
    if (state === 'half_open') {
      b.openFor(100);
      clock.advance(100);
    }
    if (state === 'forced_open') b.forceOpen();
    if (state === 'disabled') b.disable();
    expect(b.state).toBe(state);
    return registry;
  }

  it.each([
    ['closed', 'UP'],
    ['half_open', 'UP'],
    ['disabled', 'UP'],
    ['open', 'DEGRADED'],
    ['forced_open', 'DEGRADED'],
  ] as const)('with a breaker %s reports %s', (state, status) => {
    const registry = registryWith(state);
    const report = healthReport(registry);
    expect(report.status).toBe(status);
    expect(report.breakers).toEqual(registry.snapshot());
    expect(Object.keys(report.breakers)).toEqual(['ok', 'b']);
  });

  it('reports UP with no breakers at all', () => {
    expect(healthReport(new BreakerRegistry(off))).toEqual({ status: 'UP', breakers: {} });
  });
});

describe('rejectionResponse', () => {
  it('gives the status, the Retry-After header and the serialised body', () => {
    const open = new CircuitOpenError('GET /a', 'open', 1200, 'circuit_open');
    expect(rejectionResponse(open)).toEqual({
      status: 503,
      retryAfter: '2',
      body: '{"error":"circuit_open","breaker":"GET /a","retryAfter":2}',
    });
    const forced = new CircuitOpenError('GET /a', 'forced_open', Number.POSITIVE_INFINITY, 'circuit_open');
    expect(rejectionResponse(forced)).toEqual({
      status: 503,
      retryAfter: undefined,
      body: '{"error":"circuit_open","breaker":"GET /a","retryAfter":null}',
    });
  });

  it('reuses the last answer while the breaker and the seconds are the same, and only then', () => {
    const first = rejectionResponse(new CircuitOpenError('GET /b', 'open', 4100, 'circuit_open'));
    expect(rejectionResponse(new CircuitOpenError('GET /b', 'open', 4900, 'circuit_open'))).toBe(first);
    const later = rejectionResponse(new CircuitOpenError('GET /b', 'open', 3900, 'circuit_open'));
    expect(later).not.toBe(first);
    expect(later.retryAfter).toBe('4');
    const other = rejectionResponse(new CircuitOpenError('GET /c', 'open', 3900, 'circuit_open'));
    expect(JSON.parse(other.body).breaker).toBe('GET /c');
  });
});
