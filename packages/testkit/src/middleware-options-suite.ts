import { BreakerRegistry, isCircuitOpenError } from '@tripswitch/core';
import type { BreakerHealthOptions, HttpAdapterOptions } from '@tripswitch/core/http';
import { describe, expect, it } from 'vitest';

/** The factories of a middleware adapter (Express, Koa) that the options suite checks. */
export interface MiddlewareOptionsDriver {
  /** The adapter's `breaker()`. */
  readonly breaker: (options?: HttpAdapterOptions<never, never>) => { readonly name: string };
  /** The adapter's `breakerHealth()`. */
  readonly breakerHealth: (options?: BreakerHealthOptions) => { readonly name: string };
  /** Imports the package's entry module (its `index.ts`). */
  readonly entry: () => Promise<{ readonly isCircuitOpenError?: unknown }>;
}

/**
 * The options of a middleware adapter's `breaker()` and `breakerHealth()`, the same on every adapter that
 * creates its middleware with a function call: every bad option throws at creation naming the option and
 * the value, `null` means "not given", and a registry is checked by shape. What the options do over HTTP
 * is the server suite's (`describeServerAdapter`).
 *
 * @example
 * ```ts
 * describeMiddlewareOptions({ breaker, breakerHealth, entry: () => import('./index.js') });
 * ```
 */
export function describeMiddlewareOptions(driver: MiddlewareOptionsDriver): void {
  const { breaker, breakerHealth } = driver;
  // What a registry from another copy of the core looks like here: the methods, not the class.
  const foreignRegistry = () => {
    const real = new BreakerRegistry();
    return { get: real.get.bind(real), snapshot: real.snapshot.bind(real) } as unknown as BreakerRegistry;
  };

  describe('breaker() options', () => {
    it('accepts no options and valid ones', () => {
      expect(() => breaker()).not.toThrow();
      expect(() =>
        breaker({ registry: new BreakerRegistry(), failureThreshold: 3, rejectWith: 'error', name: 'x' }),
      ).not.toThrow();
    });

    it('treats null like undefined, as the core does', () => {
      const nulls = {
        name: null,
        registry: null,
        isFailure: null,
        rejectWith: null,
        timeout: null,
        failureThreshold: null,
      };
      expect(() => breaker(nulls as never)).not.toThrow();
    });

    it('accepts a registry by shape, as one from another copy of the core would be', () => {
      expect(() => breaker({ registry: foreignRegistry() })).not.toThrow();
      expect(() => breakerHealth({ registry: foreignRegistry() })).not.toThrow();
    });

    it('rejects bad middleware options at creation, naming option and value', () => {
      expect(() => breaker({ rejectWith: 'throw' } as never)).toThrow(
        new TypeError(`rejectWith must be 'response' or 'error', got "throw"`),
      );
      expect(() => breaker({ name: '' })).toThrow(new TypeError('name must be a non-empty string, got ""'));
      expect(() => breaker({ isFailure: true } as never)).toThrow(
        new TypeError('isFailure must be a function, got true'),
      );
      expect(() => breaker({ onReject: 'x' } as never)).toThrow(TypeError);
      expect(() => breaker({ registry: {} } as never)).toThrow(/registry must be a BreakerRegistry/);
      expect(() => breaker(null as never)).toThrow(TypeError);
    });

    it('rejects bad core options at creation, before any request', () => {
      expect(() => breaker({ failureThreshold: 0 })).toThrow(
        new RangeError('failureThreshold must be an integer >= 1, got 0'),
      );
      expect(() => breaker({ resetTimeout: -1 })).toThrow(RangeError);
      expect(() => breaker({ nope: true } as never)).toThrow(new TypeError('unknown option "nope"'));
    });

    it('refuses execute()-only core options, which would do nothing on a middleware', () => {
      for (const key of ['timeout', 'fallback', 'isResultFailure', 'ignore']) {
        expect(() => breaker({ [key]: 100 } as never)).toThrow(
          new RegExp(`^${key} applies to execute\\(\\)`),
        );
      }
    });

    it('returns a named function', () => {
      expect(breaker({ registry: new BreakerRegistry() }).name).toBe('tripswitchBreaker');
    });

    it('re-exports isCircuitOpenError from the core, so error handlers need not import it', async () => {
      expect((await driver.entry()).isCircuitOpenError).toBe(isCircuitOpenError);
    });
  });

  describe('breakerHealth() options', () => {
    it('rejects bad options at creation', () => {
      expect(() => breakerHealth({ failWhenOpen: 'yes' } as never)).toThrow(
        new TypeError('failWhenOpen must be a boolean, got "yes"'),
      );
      expect(() => breakerHealth({ registry: 42 } as never)).toThrow(TypeError);
      expect(() => breakerHealth('x' as never)).toThrow(TypeError);
      expect(() => breakerHealth({ fialWhenOpen: true } as never)).toThrow(
        new TypeError('unknown option "fialWhenOpen" (did you mean "failWhenOpen"?)'),
      );
      // null means "not given", as for every option.
      expect(() => breakerHealth(null as never)).not.toThrow();
    });

    it('returns a named function', () => {
      expect(breakerHealth().name).toBe('tripswitchHealth');
    });
  });
}
