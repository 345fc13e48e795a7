import { describe, expect, it } from 'vitest';
import { asPromise } from './as-promise.js';

describe('asPromise', () => {
  it('returns a native promise itself', () => {
    const p = Promise.resolve(1);
    expect(asPromise(p)).toBe(p);
  });

  it('wraps a promise subclass, a thenable and a plain value in a plain Promise, as Promise.resolve does', async () => {
    class Sub<T> extends Promise<T> {}
    const sub = Sub.resolve(2);
    // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a native promise, on purpose
    const thenable = { then: (ok: (v: number) => void) => ok(3) } as PromiseLike<number>;
    const inputs: Array<[number | PromiseLike<number>, number]> = [
      [sub, 2],
      [thenable, 3],
      [4, 4],
    ];
    for (const [input, value] of inputs) {
      const out = asPromise<number>(input);
      expect(out).not.toBe(input);
      expect(out.constructor).toBe(Promise);
      await expect(out).resolves.toBe(value);
    }
  });
});
