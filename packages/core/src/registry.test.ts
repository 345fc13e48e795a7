import { diag } from '@opentelemetry/api';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createTestClock } from './clock.js';
import {
  BreakerRegistry,
  defaultRegistry,
  getAllBreakers,
  getBreaker,
  resetAllBreakers,
} from './registry.js';

const off = { telemetry: { enabled: false } } as const;

describe('BreakerRegistry', () => {
  let warn: ReturnType<typeof vi.spyOn>;
  beforeEach(() => {
    warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => {
    for (const b of defaultRegistry.all()) defaultRegistry.remove(b.name);
    vi.restoreAllMocks();
  });

  it('creates a breaker on first get and returns the same instance after, ignoring later options', () => {
    const registry = new BreakerRegistry(off);
    const a = registry.get('a', { failureThreshold: 2 });
    expect(registry.get('a', { failureThreshold: 9 })).toBe(a);
    expect(a.name).toBe('a');
    expect(registry.has('a')).toBe(true);
    expect(registry.size).toBe(1);
  });

  it('warns once per name through console.warn when a later get() brings different options', () => {
    const registry = new BreakerRegistry(off);
    const options = { failureThreshold: 2, window: { type: 'count', size: 10 } } as const;
    registry.get('a', options);
    registry.get('a', options);
    // Equal as data: a fresh window object of the same size, null for not given, is no conflict.
    registry.get('a', { failureThreshold: 2, window: { type: 'count', size: 10 }, timeout: null as never });
    expect(warn).not.toHaveBeenCalled();
    registry.get('a', { failureThreshold: 9, window: { type: 'count', size: 20 } });
    registry.get('a', { failureThreshold: 8 });
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toBe(
      '[tripswitch] breaker "a" already exists; get() was given different options (failureThreshold, window), ' +
        'which cannot apply: the breaker keeps the options it was created with',
    );
    registry.get('b', { failureThreshold: 1 });
    registry.get('b', { failureThreshold: 3 });
    expect(warn).toHaveBeenCalledTimes(2);
    expect(registry.get('a')._options.failureThreshold).toBe(2);
  });

  it("throws on conflicting options with onConflict: 'throw', every time", () => {
    const registry = new BreakerRegistry({ ...off, onConflict: 'throw' });
    const a = registry.get('a', { failureThreshold: 2 });
    expect(registry.get('a', { failureThreshold: 2 })).toBe(a);
    const other = { failureThreshold: 3 };
    for (let i = 0; i < 2; i++) {
      expect(() => registry.get('a', other)).toThrow(
        new TypeError(
          'breaker "a" already exists; get() was given different options (failureThreshold), ' +
            'which cannot apply: the breaker keeps the options it was created with',
        ),
      );
    }
    expect(warn).not.toHaveBeenCalled();
  });

  it('refuses unknown and invalid registry options, naming them', () => {
    expect(() => new BreakerRegistry({ foo: 1 } as never)).toThrow(new TypeError('unknown option "foo"'));
    expect(() => new BreakerRegistry({ maxBreaker: 5 } as never)).toThrow(
      new TypeError('unknown option "maxBreaker" (did you mean "maxBreakers"?)'),
    );
    expect(() => new BreakerRegistry({ telemetry: 'x' as never })).toThrow(
      new TypeError('telemetry must be an object, got "x"'),
    );
    expect(() => new BreakerRegistry({ telemetry: { rejectionSpans: 'some' } as never })).toThrow(
      /telemetry.rejectionSpans must be one of/,
    );
    expect(() => new BreakerRegistry({ onConflict: 'ignore' as never })).toThrow(
      new TypeError(`onConflict must be 'warn' or 'throw', got "ignore"`),
    );
    expect(new BreakerRegistry({ maxBreakers: null, telemetry: null } as never).maxBreakers).toBe(10_000);
  });

  it('validates options when it creates a breaker, and names', () => {
    const registry = new BreakerRegistry(off);
    expect(() => registry.get('bad', { failureThreshold: 0 })).toThrow(
      /failureThreshold must be an integer >= 1, got 0/,
    );
    expect(registry.has('bad')).toBe(false);
    expect(() => registry.get('')).toThrow(TypeError);
    expect(() => new BreakerRegistry({ maxBreakers: 0 })).toThrow(
      /maxBreakers must be an integer >= 1, got 0/,
    );
  });

  it('lists, removes, resets and snapshots its breakers', async () => {
    const clock = createTestClock();
    const registry = new BreakerRegistry(off);
    const a = registry.get('a', { failureThreshold: 1, clock });
    registry.get('b', { clock });
    await a.execute(() => Promise.reject(new Error('x'))).catch(() => {});
    expect(registry.all().map((b) => b.name)).toEqual(['a', 'b']);
    const snap = registry.snapshot();
    expect(Object.keys(snap)).toEqual(['a', 'b']);
    expect(snap.a).toMatchObject({ name: 'a', state: 'open', failureCount: 1 });
    expect(snap.b).toMatchObject({ name: 'b', state: 'closed', failureCount: 0 });

    registry.resetAll();
    expect(a.state).toBe('closed');
    expect(a.getMetrics().failureCount).toBe(0);

    expect(registry.remove('a')).toBe(true);
    expect(registry.remove('a')).toBe(false);
    expect(registry.get('a')).not.toBe(a);
  });

  it('passes its telemetry settings to the breakers it creates unless a breaker brings its own', () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    expect(registry.get('quiet')._options.telemetry).toEqual({ enabled: false });
    expect(registry.get('loud', { telemetry: { enabled: true } })._options.telemetry).toEqual({
      enabled: true,
    });
  });

  it('evicts the least recently used idle breaker past maxBreakers', () => {
    const registry = new BreakerRegistry({ maxBreakers: 3, ...off });
    const a = registry.get('a');
    registry.get('b');
    registry.get('c');
    registry.get('a'); // a is used again: b is now the least recently used
    registry.get('d');
    expect(registry.size).toBe(3);
    expect(registry.has('b')).toBe(false);
    expect(registry.get('a')).toBe(a);
    expect(registry.has('c') && registry.has('d')).toBe(true);
  });

  it('never evicts a breaker with a call in flight', () => {
    const registry = new BreakerRegistry({ maxBreakers: 2, ...off });
    const a = registry.get('a');
    const permit = a.acquire();
    registry.get('b');
    registry.get('c');
    expect(registry.has('a')).toBe(true);
    expect(registry.has('b')).toBe(false);
    permit.success();
  });

  it('grows past the limit rather than evict busy breakers', () => {
    const registry = new BreakerRegistry({ maxBreakers: 1, ...off });
    const permit = registry.get('a').acquire();
    registry.get('b');
    expect(registry.size).toBe(2);
    permit.success();
    registry.get('c');
    expect(registry.has('a')).toBe(false);
  });

  it('shrinks back to maxBreakers once busy breakers finish: at the next new name', () => {
    const registry = new BreakerRegistry({ maxBreakers: 100, ...off });
    const permits = Array.from({ length: 5000 }, (_, i) => registry.get(`k-${i}`).acquire());
    expect(registry.size).toBe(5000); // all busy: none could go
    for (const p of permits) p.success();
    registry.get('new');
    expect(registry.size).toBe(100);
    expect(registry.has('new')).toBe(true);
  });

  it('shrinks back to maxBreakers once busy breakers finish: over the next lookups, keeping the one looked up', () => {
    const registry = new BreakerRegistry({ maxBreakers: 3, ...off });
    const permits = ['a', 'b', 'c', 'd', 'e', 'f'].map((n) => registry.get(n).acquire());
    for (const p of permits) p.success();
    const f = registry.get('f');
    for (let i = 0; i < 6; i++) expect(registry.get('f')).toBe(f);
    expect(registry.size).toBe(3);
    expect(registry.has('f')).toBe(true);
  });

  it('keeps memory bounded under a flood of distinct keys', () => {
    const registry = new BreakerRegistry({ maxBreakers: 100, ...off });
    for (let i = 0; i < 5000; i++) registry.get(`user-${i}`);
    expect(registry.size).toBe(100);
    expect(registry.has('user-4999')).toBe(true);
  });

  it('has a default registry with helpers', () => {
    const b = getBreaker('shared', off);
    expect(getBreaker('shared')).toBe(b);
    expect(defaultRegistry.get('shared')).toBe(b);
    expect(getAllBreakers()).toContain(b);
    b.forceOpen();
    resetAllBreakers();
    expect(b.state).toBe('closed');
  });
});

describe('BreakerRegistry.onCreate', () => {
  it('announces each new breaker once, after it is stored, and not the ones that already existed', () => {
    const registry = new BreakerRegistry(off);
    registry.get('before');
    const seen: string[] = [];
    const stop = registry.onCreate((b) => seen.push(`${b.name}:${registry.has(b.name)}`));
    registry.get('a');
    registry.get('a');
    registry.get('b');
    expect(seen).toEqual(['a:true', 'b:true']);
    stop();
    stop();
    registry.get('c');
    expect(seen).toEqual(['a:true', 'b:true']);
  });

  it('unsubscribes one subscription of a listener given twice, and keeps the others', () => {
    const registry = new BreakerRegistry(off);
    const names: string[] = [];
    const listener = (b: { name: string }) => names.push(b.name);
    const first = registry.onCreate(listener);
    registry.onCreate(listener);
    first();
    registry.get('x');
    expect(names).toEqual(['x']);
  });

  it('reports a throwing listener through diag; get() still returns the breaker and later listeners run', () => {
    const error = vi.fn();
    diag.setLogger({ error, warn() {}, info() {}, debug() {}, verbose() {} });
    try {
      const registry = new BreakerRegistry(off);
      const later = vi.fn();
      registry.onCreate(() => {
        throw new Error('boom');
      });
      registry.onCreate(later);
      const b = registry.get('y');
      expect(b.name).toBe('y');
      expect(later).toHaveBeenCalledWith(b);
      expect(error).toHaveBeenCalledTimes(1);
      expect(String(error.mock.calls[0]?.[0])).toContain('"y"');
    } finally {
      diag.disable();
    }
  });

  it('rejects a listener that is not a function, naming the value', () => {
    const registry = new BreakerRegistry(off);
    expect(() => registry.onCreate('nope' as never)).toThrow(
      /onCreate\(listener\) needs a function, got "nope"/,
    );
  });
});
