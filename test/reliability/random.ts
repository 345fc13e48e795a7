/**
 * A seeded source of randomness for the reliability suite: every run with the same seed makes the same
 * choices, so a failure is replayed by its seed (`TRIPSWITCH_SEED`), which every failure message shows.
 */
export interface Random {
  /** The seed this source started from. */
  readonly seed: number;
  /** A float in [0, 1). */
  next(): number;
  /** An integer in [min, max]. */
  int(min: number, max: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** One of `items`, uniformly. */
  pick<T>(items: readonly T[]): T;
  /** One key of `weights`, with probability proportional to its weight. */
  weighted<K extends string>(weights: Readonly<Record<K, number>>): K;
}

/** The seed of this run: `TRIPSWITCH_SEED` when set (decimal or 0x hex), else a fixed one. */
export function runSeed(): number {
  const given = process.env.TRIPSWITCH_SEED;
  if (given === undefined || given === '') return 0x7a1b5e;
  const seed = Number(given);
  if (!Number.isSafeInteger(seed)) throw new RangeError(`TRIPSWITCH_SEED must be an integer, got ${given}`);
  return seed;
}

/** A {@link Random} over splitmix32: small, fast and good enough to pick test cases. */
export function createRandom(seed: number): Random {
  let state = seed | 0;
  const next = (): number => {
    state = (state + 0x9e3779b9) | 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
  const r: Random = {
    seed,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    chance: (p) => next() < p,
    pick: (items) => {
      if (items.length === 0) throw new RangeError('pick() needs at least one item');
      return items[Math.floor(next() * items.length)] as (typeof items)[number];
    },
    weighted: (weights) => {
      const entries = Object.entries(weights) as Array<[keyof typeof weights, number]>;
      let total = 0;
      for (const [, w] of entries) total += w;
      let x = next() * total;
      for (const [key, w] of entries) {
        x -= w;
        if (x < 0) return key;
      }
      return (entries[entries.length - 1] as [keyof typeof weights, number])[0];
    },
  };
  return r;
}

/** A count from the environment (`name`), else `fallback`; `TRIPSWITCH_LONG=1` multiplies the fallback by `long`. */
export function envCount(name: string, fallback: number, long = 10): number {
  const given = process.env[name];
  if (given !== undefined && given !== '') {
    const n = Number(given);
    if (!Number.isSafeInteger(n) || n < 0)
      throw new RangeError(`${name} must be an integer >= 0, got ${given}`);
    return n;
  }
  return process.env.TRIPSWITCH_LONG === '1' ? fallback * long : fallback;
}
