/**
 * @internal `Promise.resolve(value)` without the builtin call when `value` is already a native promise (what
 * an async function returns), which is every call's path. A promise subclass is still wrapped, as
 * `Promise.resolve` wraps it, so the caller always gets a plain `Promise`.
 */
export function asPromise<T>(value: T | PromiseLike<T>): Promise<T> {
  return value instanceof Promise && value.constructor === Promise
    ? (value as Promise<T>)
    : Promise.resolve(value);
}
