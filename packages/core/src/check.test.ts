import { describe, expect, it } from 'vitest';
import * as check from './check.js';

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('did not throw');
}

describe('show', () => {
  it('formats every kind of value without throwing', () => {
    const revoked = Proxy.revocable({}, {});
    revoked.revoke();
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(check.show('x')).toBe('"x"');
    expect(check.show(Symbol('s'))).toBe('Symbol(s)');
    expect(check.show(() => 1)).toBe('a function');
    expect(check.show([1])).toBe('an array');
    expect(check.show(null)).toBe('null');
    expect(check.show({ a: 1 })).toBe('{"a":1}');
    expect(check.show(circular)).toBe('an object');
    expect(check.show(revoked.proxy)).toBe('an object');
    expect(check.show(10n)).toBe('10');
    expect(check.show(Number.NaN)).toBe('NaN');
  });
});

describe('checkCount', () => {
  it('accepts integers in range, TypeError for non-numbers, RangeError for numbers out of range', () => {
    expect(check.checkCount('n', 3)).toBe(3);
    expect(thrown(() => check.checkCount('n', '3'))).toEqual(
      new TypeError('n must be an integer >= 1, got "3"'),
    );
    expect(thrown(() => check.checkCount('n', 0))).toEqual(
      new RangeError('n must be an integer >= 1, got 0'),
    );
    expect(thrown(() => check.checkCount('n', 1.5))).toBeInstanceOf(RangeError);
    expect(check.checkCount('n', 0, { min: 0 })).toBe(0);
    expect(thrown(() => check.checkCount('size', 11, { max: 10 }))).toEqual(
      new RangeError('size must be an integer from 1 to 10, got 11'),
    );
  });
});

describe('checkDuration and checkTimerDuration', () => {
  it('takes finite non-negative ms, and > 0 when positive', () => {
    expect(check.checkDuration('d', 0)).toBe(0);
    expect(thrown(() => check.checkDuration('d', 0, true))).toEqual(
      new RangeError('d must be a finite number of ms > 0, got 0'),
    );
    expect(thrown(() => check.checkDuration('d', Number.POSITIVE_INFINITY))).toBeInstanceOf(RangeError);
    expect(thrown(() => check.checkDuration('d', Number.NaN))).toBeInstanceOf(RangeError);
    expect(thrown(() => check.checkDuration('d', -1))).toBeInstanceOf(RangeError);
  });

  it('bounds a duration that reaches a timer by 2^31-1 ms, naming the option', () => {
    expect(check.checkTimerDuration('timeout', check.MAX_TIMER_MS)).toBe(2 ** 31 - 1);
    const error = thrown(() => check.checkTimerDuration('timeout', check.MAX_TIMER_MS + 1));
    expect(error).toBeInstanceOf(RangeError);
    expect(error.message).toBe(
      'timeout must be at most 2147483647 ms (2^31-1, the longest timer Node.js sets), got 2147483648',
    );
  });
});

describe('checkPercent, checkHook, checkBoolean', () => {
  it('checks each kind', () => {
    expect(check.checkPercent('p', 100)).toBe(100);
    expect(thrown(() => check.checkPercent('p', 101))).toBeInstanceOf(RangeError);
    expect(thrown(() => check.checkPercent('p', Number.NaN))).toBeInstanceOf(RangeError);
    expect(thrown(() => check.checkPercent('p', '5'))).toBeInstanceOf(TypeError);
    const f = () => true;
    expect(check.checkHook('h', f)).toBe(f);
    expect(check.checkHook('h', undefined)).toBeUndefined();
    expect(thrown(() => check.checkHook('h', 1 as never))).toEqual(
      new TypeError('h must be a function, got 1'),
    );
    expect(check.checkBoolean('b', undefined, true)).toBe(true);
    expect(thrown(() => check.checkBoolean('b', 'yes', true))).toEqual(
      new TypeError('b must be a boolean, got "yes"'),
    );
  });
});

describe('checkOptions', () => {
  const known = ['maxRetries', 'signal', 'jitter'];

  it('copies known keys, leaving out null and undefined ("not given")', () => {
    expect(check.checkOptions('o', { maxRetries: 2, signal: null, jitter: undefined }, known)).toEqual({
      maxRetries: 2,
    });
    expect(check.checkOptions('o', undefined, known)).toEqual({});
    expect(check.checkOptions('o', null, known)).toEqual({});
  });

  it('rejects a non-object and unknown keys, suggesting the key a typo meant', () => {
    expect(thrown(() => check.checkOptions('retry options', 5, known))).toEqual(
      new TypeError('retry options must be an object, got 5'),
    );
    expect(thrown(() => check.checkOptions('o', { maxRetriez: 2 }, known))).toEqual(
      new TypeError('unknown option "maxRetriez" (did you mean "maxRetries"?)'),
    );
    expect(thrown(() => check.checkOptions('o', { MAXRETRIES: 2 }, known)).message).toContain('"maxRetries"');
    expect(thrown(() => check.checkOptions('o', { nope: 1 }, known))).toEqual(
      new TypeError('unknown option "nope"'),
    );
  });

  it('turns a throwing getter or proxy trap into a TypeError naming the option', () => {
    const getter = Object.defineProperty({}, 'jitter', {
      enumerable: true,
      get() {
        throw new Error('boom');
      },
    });
    expect(thrown(() => check.checkOptions('o', getter, known))).toEqual(
      new TypeError('jitter cannot be read: Error: boom'),
    );
    const trap = new Proxy(
      {},
      {
        ownKeys() {
          throw new Error('trap');
        },
      },
    );
    expect(thrown(() => check.checkOptions('retry options', trap, known))).toEqual(
      new TypeError('retry options cannot be read: Error: trap'),
    );
  });
});
