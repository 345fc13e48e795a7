import { describe, expect, it } from 'vitest';
import { GuardedClock } from './guarded-clock.js';

describe('GuardedClock', () => {
  it('reads the clock, and stands in the last good reading when it throws or answers garbage', () => {
    const readings: unknown[] = [5, 'x', Number.NaN, 9];
    const boom = new Error('clock');
    let throws = false;
    const reported: Array<[unknown, string]> = [];
    const clock = new GuardedClock(
      {
        now: () => {
          if (throws) throw boom;
          return readings.shift() as number;
        },
      },
      (error, hook) => reported.push([error, hook]),
    );
    expect(clock.now()).toBe(5);
    expect(clock.now()).toBe(5);
    expect(clock.now()).toBe(5);
    expect(clock.now()).toBe(9);
    throws = true;
    expect(clock.now()).toBe(9);
    expect(reported.map(([, hook]) => hook)).toEqual(['clock', 'clock', 'clock']);
    expect(String(reported[0]?.[0])).toMatch(/clock\.now\(\) must return a finite number, got "x"/);
    expect(reported[2]?.[0]).toBe(boom);
  });
});
