import { BreakerRegistry } from '@tripswitch/core';
import { describe, expect, it } from 'vitest';
import { breakerHealth } from './health.js';
import { breaker } from './middleware.js';
import type { BreakerMiddlewareOptions } from './options.js';

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
    expect(() => breaker({ nope: true } as BreakerMiddlewareOptions)).toThrow(
      new TypeError('unknown option "nope"'),
    );
  });

  it('refuses execute()-only core options, which would do nothing on a middleware', () => {
    for (const key of ['timeout', 'fallback', 'isResultFailure', 'ignore']) {
      expect(() => breaker({ [key]: 100 } as BreakerMiddlewareOptions)).toThrow(
        new RegExp(`^${key} applies to execute\\(\\)`),
      );
    }
  });
});

describe('breakerHealth() options', () => {
  it('rejects bad options at creation', () => {
    expect(() => breakerHealth({ failWhenOpen: 'yes' } as never)).toThrow(
      new TypeError('failWhenOpen must be a boolean, got "yes"'),
    );
    expect(() => breakerHealth({ registry: 42 } as never)).toThrow(TypeError);
    expect(() => breakerHealth(null as never)).toThrow(TypeError);
  });

  it('returns a named function', () => {
    expect(breakerHealth().name).toBe('tripswitchHealth');
  });
});
