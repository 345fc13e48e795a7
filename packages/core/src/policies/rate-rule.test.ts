import { describe, expect, it } from 'vitest';
import { resolveOptions } from '../options.js';
import { RateRule } from './rate-rule.js';

const rule = (options: Parameters<typeof resolveOptions>[0]) => RateRule.of(resolveOptions(options));

describe('RateRule', () => {
  it('exists only with a window', () => {
    expect(rule({})).toBeUndefined();
    expect(rule({ window: { type: 'count', size: 4 } })?.window.calls).toBe(0);
  });

  it('judges the failure and slow-call rates over its window once it holds minimumCalls', () => {
    const rates = rule({
      window: { type: 'count', size: 4 },
      minimumCalls: 4,
      failureRateThreshold: 50,
      slowCallDuration: 100,
      slowCallRateThreshold: 75,
    });
    if (rates === undefined) throw new Error('a window gives a rate rule');
    expect(rates.isSlow(99)).toBe(false);
    expect(rates.isSlow(100)).toBe(true);
    for (let i = 0; i < 3; i++) expect(rates.record(false, 150, 0, true)).toBeUndefined();
    expect(rates.record(false, 150, 0, false)).toBeUndefined(); // disabled: counted, decides nothing
    expect(rates.decide()).toEqual({
      reason: 'slow_call_rate',
      numbers: { slowCallRate: 1, threshold: 0.75 },
    });
    rates.window.reset();
    rates.record(true, 1, 0, true);
    rates.record(true, 1, 0, true);
    rates.record(false, 1, 0, true);
    expect(rates.record(false, 1, 0, true)).toEqual({
      reason: 'failure_rate',
      numbers: { failureRate: 0.5, threshold: 0.5 },
    });
  });

  it('gives the half_open verdict by the slow-call rule alone, and none without a slow-call duration', () => {
    const slow = rule({
      window: { type: 'count', size: 10 },
      slowCallDuration: 10,
      slowCallRateThreshold: 50,
    });
    expect(slow?.slowCalls(0, 2)).toBeUndefined();
    expect(slow?.slowCalls(1, 2)?.reason).toBe('slow_call_rate');
    const noSlowRule = rule({ window: { type: 'count', size: 10 } });
    expect(noSlowRule?.slowCalls(2, 2)).toBeUndefined();
    expect(noSlowRule?.isSlow(Number.MAX_SAFE_INTEGER)).toBe(false);
  });
});
