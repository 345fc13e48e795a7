import { describe, expect, it } from 'vitest';
import { createTestClock } from '../clock.js';
import { BreakerRegistry, defaultRegistry } from '../registry.js';
import { healthReport, resolveHealthOptions } from './health.js';

const off = { telemetry: { enabled: false } } as const;

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
      new TypeError('failWhenOpen must be a boolean, got "yes"'),
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

describe('healthReport numbers', () => {
  it('rounds retryAfterMs up to whole milliseconds, keeping forced_open Infinity (null in JSON)', () => {
    const clock = createTestClock();
    const registry = new BreakerRegistry(off);
    registry.get('open', { clock, resetTimeout: 1000 }).openFor(1000);
    registry.get('forced', { clock }).forceOpen();
    clock.advance(0.4);
    expect(registry.snapshot().open?.retryAfterMs).toBeCloseTo(999.6);
    const report = healthReport(registry);
    expect(report.breakers.open?.retryAfterMs).toBe(1000);
    expect(JSON.parse(JSON.stringify(report)).breakers.forced.retryAfterMs).toBeNull();
  });
});

describe('resolveHealthOptions strictness', () => {
  it('refuses an unknown option such as a misspelt failWhenOpen', () => {
    expect(() => resolveHealthOptions({ fialWhenOpen: true } as never)).toThrow(
      new TypeError('unknown breakerHealth option "fialWhenOpen" (known: registry, failWhenOpen)'),
    );
  });

  it('treats null as not given', () => {
    expect(resolveHealthOptions({ registry: null, failWhenOpen: null } as never)).toEqual({
      registry: defaultRegistry,
      failWhenOpen: false,
    });
  });
});
