import { afterEach, describe, expect, it, vi } from 'vitest';
import { safeHook } from './safe-hook.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('safeHook', () => {
  it('counts only an exact true as yes', () => {
    const hooks = safeHook('breaker "a"', () => {});
    expect(hooks.judge('isFailure', () => true, 1, false)).toBe(true);
    for (const answer of [1, 'true', {}, false, undefined, null]) {
      expect(hooks.judge('isFailure', () => answer, 1, true)).toBe(false);
    }
  });

  it('reports a throwing hook to onListenerError and answers whenThrows', () => {
    const onError = vi.fn();
    const hooks = safeHook('breaker "a"', onError);
    const bug = new Error('bug');
    const boom = () => {
      throw bug;
    };
    expect(hooks.judge('isFailure', boom, 1, true)).toBe(true);
    expect(hooks.judge('ignore', boom, 1, false)).toBe(false);
    expect(hooks.call('stateChange', boom, 1)).toBeUndefined();
    expect(hooks.call('onReject', (v: number) => v + 1, 1)).toBe(2);
    expect(onError.mock.calls).toEqual([
      [bug, 'isFailure'],
      [bug, 'ignore'],
      [bug, 'stateChange'],
    ]);
  });

  it('survives a throwing onListenerError', () => {
    const hooks = safeHook('x', () => {
      throw new Error('reporter bug');
    });
    expect(
      hooks.judge(
        'isFailure',
        () => {
          throw new Error('hook bug');
        },
        1,
        true,
      ),
    ).toBe(true);
  });

  it('logs with console.error once per owner without onListenerError', () => {
    const log = vi.spyOn(console, 'error').mockImplementation(() => {});
    const a = safeHook('breaker "a"');
    const b = safeHook('breaker "b"');
    const boom = () => {
      throw new Error('bug');
    };
    a.call('success', boom, 1);
    a.call('failure', boom, 1);
    expect(log).toHaveBeenCalledTimes(1);
    expect(log.mock.calls[0]?.[0]).toMatch(/"success" listener or hook of breaker "a" threw/);
    b.call('success', boom, 1);
    expect(log).toHaveBeenCalledTimes(2);
  });

  it('reports a hook that returns a Promise once per source, as false, and its rejection too', async () => {
    const onError = vi.fn();
    const hooks = safeHook('breaker "a"', onError);
    const asyncYes = async () => true;
    expect(hooks.judge('isFailure', asyncYes, 1, false)).toBe(false);
    expect(hooks.judge('isFailure', asyncYes, 1, false)).toBe(false);
    expect(onError).toHaveBeenCalledTimes(1);
    const [error, source] = onError.mock.calls[0] as [Error, string];
    expect(source).toBe('isFailure');
    expect(error).toBeInstanceOf(TypeError);
    expect(error.message).toContain('"isFailure" hook of breaker "a" returned a Promise');
    const rejection = new Error('async bug');
    expect(hooks.judge('ignore', () => Promise.reject(rejection), 1, false)).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(onError.mock.calls.map(([e, s]) => [(e as Error).message, s])).toEqual([
      [error.message, 'isFailure'],
      [expect.stringContaining('"ignore" hook of breaker "a" returned a Promise'), 'ignore'],
      ['async bug', 'ignore'],
    ]);
  });

  it('treats any thenable as a Promise', () => {
    const onError = vi.fn();
    const hooks = safeHook('x', onError);
    // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a Promise is the case under test
    const thenable = { then: () => {} };
    expect(hooks.judge('isResultFailure', () => thenable, 1, true)).toBe(false);
    expect(onError).toHaveBeenCalledTimes(1);
  });
});
