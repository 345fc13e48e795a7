import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { validateBreakerOptions } from './validate-options.js';

describe('validateBreakerOptions', () => {
  it('accepts valid options', () => {
    expect(() => validateBreakerOptions({ failureThreshold: 3, resetTimeout: 1000 })).not.toThrow();
  });

  it('throws what the constructor throws for a bad value', () => {
    expect(() => validateBreakerOptions({ failureThreshold: 0 })).toThrow(
      'failureThreshold must be an integer >= 1, got 0',
    );
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(
      'failureThreshold must be an integer >= 1, got 0',
    );
  });

  it('rejects unknown options and a bad initialState', () => {
    expect(() => validateBreakerOptions({ nope: 1 } as never)).toThrow(TypeError);
    expect(() => validateBreakerOptions({ initialState: { version: 2 } as never })).toThrow();
  });
});
