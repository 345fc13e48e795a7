import { describe, expect, it } from 'vitest';
import { readClock } from './read-clock.js';

describe('readClock', () => {
  it('reads the clock, and answers the last good reading when it throws or answers garbage', () => {
    const boom = new Error('clock');
    const reported: Array<[unknown, string]> = [];
    const hooks = { report: (error: unknown, hook: string) => reported.push([error, hook]) };
    const reading = (value: unknown) => ({ now: () => value as number });
    expect(readClock(reading(5), hooks, 1)).toBe(5);
    expect(readClock(reading('x'), hooks, 5)).toBe(5);
    expect(readClock(reading(Number.NaN), hooks, 5)).toBe(5);
    expect(readClock(reading(Number.POSITIVE_INFINITY), hooks, 6)).toBe(6);
    const throwing = {
      now: (): number => {
        throw boom;
      },
    };
    expect(readClock(throwing, hooks, 9)).toBe(9);
    expect(reported.map(([, hook]) => hook)).toEqual(['clock', 'clock', 'clock', 'clock']);
    expect(String(reported[0]?.[0])).toMatch(/clock\.now\(\) must return a finite number, got "x"/);
    expect(reported[3]?.[0]).toBe(boom);
  });
});
