import { VERSION } from './version.js';

/**
 * Where the copies of this package loaded in one process keep what they must share. An app that loads
 * both builds (its own `import` beside a dependency's `require()`: the dual-package hazard) would
 * otherwise get two default registries and two sets of error classes. Keyed by version, so only the
 * copies that are the same code share it; `Symbol.for` reaches the same key from every copy.
 */
const KEY = Symbol.for(`@tripswitch/core@${VERSION}`);

type Shelf = Record<string, unknown>;

/**
 * @internal The process-wide value called `name`: the one made by whichever copy asked first, else
 * `make()` (kept for the copies that ask later).
 */
export function sharedGlobal<T>(name: string, make: () => T): T {
  const g = globalThis as unknown as Record<symbol, Shelf | undefined>;
  let shelf = g[KEY];
  if (shelf === undefined) {
    shelf = Object.create(null) as Shelf;
    // Not enumerable: nothing that walks globalThis should stumble on it.
    Object.defineProperty(globalThis, KEY, { value: shelf, configurable: true });
  }
  if (!(name in shelf)) shelf[name] = make();
  return shelf[name] as T;
}
