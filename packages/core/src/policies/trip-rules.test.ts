import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../options.js';
import { TripRules } from './trip-rules.js';

describe('TripRules', () => {
  it('opens on consecutive failures first, with their numbers, and only when it decides', () => {
    const rules = new TripRules(resolveOptions({ failureThreshold: 2 }));
    expect(rules.record(true, 1, 0, true)).toBeUndefined();
    expect(rules.record(true, 1, 0, false)).toBeUndefined(); // disabled: counted, decides nothing
    expect(rules.consecutive.count).toBe(2);
    expect(rules.record(true, 1, 0, true)).toEqual({
      reason: 'consecutive_failures',
      numbers: { consecutiveFailures: 3, threshold: 2 },
    });
    rules.record(false, 1, 0, true);
    expect(rules.consecutive.count).toBe(0);
  });

  it('judges the failure and slow-call rates over the window once it holds minimumCalls', () => {
    const rules = new TripRules(
      resolveOptions({
        failureThreshold: 100,
        window: { type: 'count', size: 4 },
        minimumCalls: 4,
        failureRateThreshold: 50,
        slowCallDuration: 100,
        slowCallRateThreshold: 75,
      }),
    );
    expect(rules.isSlow(99)).toBe(false);
    expect(rules.isSlow(100)).toBe(true);
    for (let i = 0; i < 3; i++) expect(rules.record(false, 150, 0, true)).toBeUndefined();
    expect(rules.record(false, 150, 0, true)).toEqual({
      reason: 'slow_call_rate',
      numbers: { slowCallRate: 1, threshold: 0.75 },
    });
    rules.reset();
    expect(rules.window?.calls).toBe(0);
    rules.record(true, 1, 0, true);
    rules.record(true, 1, 0, true);
    rules.record(false, 1, 0, true);
    expect(rules.record(false, 1, 0, true)).toEqual({
      reason: 'failure_rate',
      numbers: { failureRate: 0.5, threshold: 0.5 },
    });
  });

  it('gives the half_open verdict by the slow-call rule alone', () => {
    const rules = new TripRules(
      resolveOptions({
        window: { type: 'count', size: 10 },
        slowCallDuration: 10,
        slowCallRateThreshold: 50,
      }),
    );
    expect(rules.trialVerdict(0, 2)).toBeUndefined();
    expect(rules.trialVerdict(1, 2)?.reason).toBe('slow_call_rate');
    const noRule = new TripRules(resolveOptions({}));
    expect(noRule.trialVerdict(2, 2)).toBeUndefined();
    expect(noRule.isSlow(Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});
