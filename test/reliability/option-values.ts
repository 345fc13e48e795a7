/**
 * What the options fuzz feeds the factories: hostile values (wrong types, NaN, ±Infinity, huge numbers,
 * symbols, bigints, proxies, throwing getters) and, per option, a few valid ones, all by label. fast-check
 * generates and shrinks plans of labels; {@link materialize} turns a plan into the options object in the
 * property, so a counterexample prints as labels (a proxy that throws on every trap cannot be printed).
 */
import fc from 'fast-check';

/** What a throwing getter or proxy trap throws: it may come out of a factory unchanged, nothing else may. */
export class GetterError extends Error {
  constructor(where: string) {
    super(`getter threw (${where})`);
    this.name = 'GetterError';
  }
}

/** What a hostile or fuzzed hook throws. */
export class HookError extends Error {
  constructor() {
    super('hook threw');
    this.name = 'HookError';
  }
}

const throwingProxy = (where: string) =>
  new Proxy(
    {},
    {
      get: () => {
        throw new GetterError(where);
      },
      ownKeys: () => {
        throw new GetterError(where);
      },
      getOwnPropertyDescriptor: () => {
        throw new GetterError(where);
      },
      has: () => {
        throw new GetterError(where);
      },
    },
  );

/** Hostile values any option may get, by label. */
export const HOSTILE: Readonly<Record<string, () => unknown>> = {
  undefined: () => undefined,
  null: () => null,
  true: () => true,
  false: () => false,
  '0': () => 0,
  '-0': () => -0,
  '-1': () => -1,
  '0.5': () => 0.5,
  '1': () => 1,
  '7': () => 7,
  '101': () => 101,
  NaN: () => Number.NaN,
  Infinity: () => Number.POSITIVE_INFINITY,
  '-Infinity': () => Number.NEGATIVE_INFINITY,
  '2^31-1': () => 2 ** 31 - 1,
  '2^31': () => 2 ** 31,
  '2^32': () => 2 ** 32,
  '2^53': () => 2 ** 53,
  '1e21': () => 1e21,
  '1e308': () => 1e308,
  '-1e308': () => -1e308,
  MIN_VALUE: () => Number.MIN_VALUE,
  "''": () => '',
  "'x'": () => 'x',
  "'5'": () => '5',
  "'true'": () => 'true',
  "'error'": () => 'error',
  '10 KB string': () => 'x'.repeat(10_240),
  symbol: () => Symbol('fuzz'),
  'Symbol.iterator': () => Symbol.iterator,
  '1n': () => 1n,
  '{}': () => ({}),
  '[]': () => [],
  "[1, 'a']": () => [1, 'a'],
  'arrow fn': () => () => {},
  'throwing fn': () => () => {
    throw new HookError();
  },
  'async fn': () => async () => true,
  class: () => class Fuzz {},
  'Date(NaN)': () => new Date(Number.NaN),
  '/x/': () => /x/,
  'Object.create(null)': () => Object.create(null),
  'new Map()': () => new Map(),
  'new Number(5)': () => new Number(5),
  'throwing proxy': () => throwingProxy('value proxy'),
  'proxy of {}': () => new Proxy({}, {}),
  'throwing getter object': () =>
    Object.defineProperty({}, 'type', {
      enumerable: true,
      get: () => {
        throw new GetterError('nested getter');
      },
    }),
  "{ type: 'count', size: 2^53 }": () => ({ type: 'count', size: 2 ** 53 }),
  "{ type: 'count', size: 1e9 }": () => ({ type: 'count', size: 1e9 }),
  "{ type: 'time', duration: 1, buckets: 1e9 }": () => ({ type: 'time', duration: 1, buckets: 1e9 }),
  "{ type: 'time', duration: Infinity }": () => ({ type: 'time', duration: Number.POSITIVE_INFINITY }),
  "{ type: 'count', size: '5' }": () => ({ type: 'count', size: '5' }),
  '{ now: () => NaN }': () => ({ now: () => Number.NaN }),
  "{ version: 1, state: 'open' }": () => ({ version: 1, state: 'open' }),
};

/** Values the fuzz drops into some options only: too large to allocate while their fix is pending. */
export const HUGE_WINDOWS: ReadonlySet<string> = new Set([
  "{ type: 'count', size: 2^53 }",
  "{ type: 'count', size: 1e9 }",
  "{ type: 'time', duration: 1, buckets: 1e9 }",
]);

/** Per option, thunks of valid values. */
export type ValidValues = Readonly<Record<string, ReadonlyArray<() => unknown>>>;

/** How the options object itself is made. */
export type Wrapper =
  | 'plain'
  | 'frozen'
  | 'null prototype'
  | 'class instance'
  | 'proxy'
  | 'throwing getter'
  | 'throwing proxy'
  | 'not an object';

/** One fuzz case as labels: how to wrap, and per key either a valid value's index or a hostile label. */
export interface OptionsPlan {
  readonly wrapper: Wrapper;
  /** With `not an object`: the hostile value passed instead of an options object. */
  readonly instead: string;
  readonly entries: ReadonlyArray<readonly [key: string, value: number | string]>;
  /** A key the factory does not know, sometimes (a typo). */
  readonly unknownKey: string | undefined;
}

/** Plans for a factory with these valid values; hostile values come `hostileShare` of the time per key. */
export function optionsPlan(
  valid: ValidValues,
  hostile: readonly string[] = Object.keys(HOSTILE),
  hostileShare = 0.1,
): fc.Arbitrary<OptionsPlan> {
  const keys = Object.keys(valid);
  const hostileWeight = Math.max(1, Math.round(hostileShare * 10));
  const entry = (key: string) =>
    fc.tuple(
      fc.constant(key),
      fc.oneof(
        { weight: 10 - hostileWeight, arbitrary: fc.nat({ max: (valid[key]?.length ?? 1) - 1 }) },
        { weight: hostileWeight, arbitrary: fc.constantFrom(...hostile) },
      ),
    );
  return fc.record({
    wrapper: fc.constantFrom<Wrapper>(
      ...Array<Wrapper>(16).fill('plain'),
      'frozen',
      'null prototype',
      'class instance',
      'proxy',
      'throwing getter',
      'throwing proxy',
      'not an object',
    ),
    instead: fc.constantFrom(...Object.keys(HOSTILE)),
    entries: fc
      .uniqueArray(fc.constantFrom(...keys), { maxLength: Math.min(keys.length, 6) })
      .chain(
        (chosen): fc.Arbitrary<OptionsPlan['entries']> =>
          chosen.length === 0 ? fc.constant([]) : fc.tuple(...chosen.map(entry)),
      ),
    unknownKey: fc.oneof(
      { weight: 19, arbitrary: fc.constant(undefined) },
      { weight: 1, arbitrary: fc.constantFrom('failureTreshold', 'maxRetriez', 'foo', 'constructor') },
    ),
  });
}

/** The options object of a plan, the keys it holds, and whether the unknown key is among them. */
export function materialize(
  plan: OptionsPlan,
  valid: ValidValues,
): { options: unknown; keys: string[]; unknown: boolean } {
  const made = build(plan, valid);
  const unknown =
    plan.unknownKey !== undefined &&
    plan.wrapper !== 'not an object' &&
    plan.wrapper !== 'throwing proxy' &&
    made.keys.includes(plan.unknownKey);
  return { ...made, unknown };
}

function build(plan: OptionsPlan, valid: ValidValues): { options: unknown; keys: string[] } {
  if (plan.wrapper === 'not an object')
    return { options: (HOSTILE[plan.instead] as () => unknown)(), keys: [] };
  const values: Record<string, unknown> = {};
  for (const [key, v] of plan.entries) {
    const make = typeof v === 'number' ? valid[key]?.[v] : HOSTILE[v];
    if (make === undefined) throw new RangeError(`no value ${String(v)} for ${key}`);
    values[key] = make();
  }
  if (plan.unknownKey !== undefined) values[plan.unknownKey] = 1;
  const keys = Object.keys(values);
  switch (plan.wrapper) {
    case 'plain':
      return { options: values, keys };
    case 'frozen':
      return { options: Object.freeze(values), keys };
    case 'null prototype':
      return { options: Object.assign(Object.create(null), values), keys };
    case 'class instance': {
      class Options {}
      return { options: Object.assign(new Options(), values), keys };
    }
    case 'proxy':
      return { options: new Proxy(values, {}), keys };
    case 'throwing getter': {
      const key = keys[0] ?? 'name';
      return {
        options: Object.defineProperty({ ...values }, key, {
          enumerable: true,
          get: () => {
            throw new GetterError(`options.${key}`);
          },
        }),
        keys: [key, ...keys],
      };
    }
    case 'throwing proxy':
      return { options: throwingProxy('options proxy'), keys };
  }
}
