import { describe, expect, it } from 'vitest';
import { breakerHealth } from './health.js';

// The health handler's answers are in the testkit's server suite (server-suite.test.ts).
describe('breakerHealth()', () => {
  it('rejects bad options at creation and returns a named handler', () => {
    expect(() => breakerHealth({ failWhenOpen: 'yes' } as never)).toThrow(
      new TypeError('failWhenOpen must be a boolean, got "yes"'),
    );
    expect(() => breakerHealth({ registry: 42 } as never)).toThrow(TypeError);
    expect(() => breakerHealth({ fialWhenOpen: true } as never)).toThrow(
      new TypeError('unknown option "fialWhenOpen" (did you mean "failWhenOpen"?)'),
    );
    expect(breakerHealth().name).toBe('tripswitchHealth');
  });
});
