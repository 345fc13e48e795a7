import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { createTestClock } from './clock.js';
import { type CircuitBreakerOptions, DEFAULTS, resolveOptions, validateBreakerOptions } from './options.js';

const off = { telemetry: { enabled: false } } as const;

type Invalid = readonly [label: string, options: unknown, errorClass: typeof TypeError, message: string];

/** Builds a breaker from options that are deliberately of the wrong type. */
const build = (options: unknown) => new CircuitBreaker({ ...off, ...(options as CircuitBreakerOptions) });

function expectInvalid(options: unknown, errorClass: typeof TypeError, message: string): void {
  let error: unknown;
  try {
    build(options);
  } catch (e) {
    error = e;
  }
  // The exact class: a RangeError is not a TypeError, and the reverse.
  expect(error?.constructor).toBe(errorClass);
  expect((error as Error).message).toBe(message);
}

/** One test per row of `cases`, titled by `title` with the row's label in place of `%s`. */
function rejectsEach(title: string, cases: readonly Invalid[]): void {
  it.each(cases)(title, (_, options, errorClass, message) => expectInvalid(options, errorClass, message));
}

/**
 * One case per option and bad value. `options` are `[option, options giving it a value, bound]` and
 * `values` `[value, error class, the value as the message shows it]`; the message is
 * `<option> must be <kind> <bound>, got <shown>`.
 */
function invalidCases(
  kind: string,
  options: ReadonlyArray<readonly [option: string, withValue: (value: unknown) => unknown, bound: string]>,
  values: ReadonlyArray<readonly [value: unknown, errorClass: typeof TypeError, shown: string]>,
): Invalid[] {
  return options.flatMap(([option, withValue, bound]) =>
    values.map(([value, errorClass, shown]): Invalid => {
      const message = `${option} must be ${kind} ${bound}, got ${shown}`;
      return [`${option}: ${shown}`, withValue(value), errorClass, message];
    }),
  );
}

const countWindow = { type: 'count', size: 10 } as const;

describe('resolveOptions', () => {
  it('applies the documented defaults', () => {
    const o = resolveOptions({});
    expect(o).toMatchObject({
      name: 'default',
      failureThreshold: 5,
      resetTimeout: 60_000,
      halfOpenMaxCalls: 1,
      window: undefined,
      timeout: undefined,
      rejectionStackTraces: false,
      traceCalls: false,
    });
    expect(Object.isFrozen(DEFAULTS)).toBe(true);
  });

  it('fills in window defaults and leaves the consecutive rule off unless failureThreshold is given', () => {
    expect(resolveOptions({ window: { type: 'time', duration: 1000 } })).toMatchObject({
      window: { type: 'time', duration: 1000, buckets: 10 },
      failureThreshold: undefined,
      failureRateThreshold: 50,
      minimumCalls: 10,
      slowCallDuration: undefined,
      slowCallRateThreshold: 100,
    });
    expect(resolveOptions({ window: countWindow, failureThreshold: 3 }).failureThreshold).toBe(3);
    expect(resolveOptions({ window: { type: 'count', size: 4 } }).minimumCalls).toBe(4);
  });

  it('accepts the edges of every range', () => {
    expect(() =>
      build({
        failureThreshold: 1,
        resetTimeout: 0,
        halfOpenMaxCalls: 1,
        window: { type: 'time', duration: 0.5, buckets: 1 },
        failureRateThreshold: 0,
        minimumCalls: 1,
        slowCallDuration: 0.1,
        slowCallRateThreshold: 100,
        timeout: 0.5,
        ignore: [],
        clock: createTestClock(),
      }),
    ).not.toThrow();
    expect(() => build({ window: countWindow, failureRateThreshold: 100, minimumCalls: 10 })).not.toThrow();
  });

  it('keeps an explicit 0 rather than replacing it with the default', () => {
    expect(resolveOptions({ resetTimeout: 0 }).resetTimeout).toBe(0);
    expect(resolveOptions({ window: countWindow, failureRateThreshold: 0 }).failureRateThreshold).toBe(0);
  });
});

describe('CircuitBreaker options validation', () => {
  const counts = [
    ['failureThreshold', (v: unknown) => ({ failureThreshold: v }), '>= 1'],
    ['halfOpenMaxCalls', (v: unknown) => ({ halfOpenMaxCalls: v }), '>= 1'],
    ['minimumCalls', (v: unknown) => ({ window: { type: 'time', duration: 1000 }, minimumCalls: v }), '>= 1'],
    ['window.size', (v: unknown) => ({ window: { type: 'count', size: v } }), 'from 1 to 10000000'],
    [
      'window.buckets',
      (v: unknown) => ({ window: { type: 'time', duration: 1000, buckets: v } }),
      'from 1 to 1000',
    ],
  ] as const;

  const badCounts: ReadonlyArray<readonly [unknown, typeof TypeError, string]> = [
    [0, RangeError, '0'],
    [-3, RangeError, '-3'],
    [1.5, RangeError, '1.5'],
    [Number.NaN, RangeError, 'NaN'],
    [Number.POSITIVE_INFINITY, RangeError, 'Infinity'],
    ['5', TypeError, '"5"'],
    [true, TypeError, 'true'],
    [{}, TypeError, '{}'],
  ];

  const countCases = invalidCases('an integer', counts, badCounts);

  rejectsEach('rejects a count that is not an integer >= 1 (%s)', countCases);

  it('bounds the window at creation: window.size <= 10000000, window.buckets <= 1000', () => {
    expect(() => new CircuitBreaker({ window: { type: 'count', size: 2 ** 31 - 1 } })).toThrow(
      new RangeError('window.size must be an integer from 1 to 10000000, got 2147483647'),
    );
    expect(() => new CircuitBreaker({ window: { type: 'time', duration: 1000, buckets: 2 ** 32 } })).toThrow(
      new RangeError('window.buckets must be an integer from 1 to 1000, got 4294967296'),
    );
    expect(() => validateBreakerOptions({ window: { type: 'count', size: 10_000_001 } })).toThrow(RangeError);
    const edge = new CircuitBreaker({
      window: { type: 'count', size: 10_000_000 },
      telemetry: { enabled: false },
    });
    expect(edge._options.window).toEqual({ type: 'count', size: 10_000_000 });
    expect(() =>
      validateBreakerOptions({ window: { type: 'time', duration: 1, buckets: 1000 } }),
    ).not.toThrow();
  });

  const durations = [
    ['resetTimeout', (v: unknown) => ({ resetTimeout: v }), '>= 0'],
    ['timeout', (v: unknown) => ({ timeout: v }), '> 0'],
    ['window.duration', (v: unknown) => ({ window: { type: 'time', duration: v } }), '> 0'],
    ['slowCallDuration', (v: unknown) => ({ window: countWindow, slowCallDuration: v }), '> 0'],
  ] as const;

  const badDurations: ReadonlyArray<readonly [unknown, typeof TypeError, string]> = [
    [-1, RangeError, '-1'],
    [Number.NaN, RangeError, 'NaN'],
    [Number.POSITIVE_INFINITY, RangeError, 'Infinity'],
    ['100', TypeError, '"100"'],
  ];

  const durationCases = invalidCases('a finite number of ms', durations, badDurations);

  rejectsEach('rejects a bad duration (%s)', durationCases);

  it('rejects a timeout of 0, and a time window of 0 ms', () => {
    expectInvalid({ timeout: 0 }, RangeError, 'timeout must be a finite number of ms > 0, got 0');
    expectInvalid(
      { window: { type: 'time', duration: 0 } },
      RangeError,
      'window.duration must be a finite number of ms > 0, got 0',
    );
  });

  const percentCases = invalidCases(
    'a percentage',
    (['failureRateThreshold', 'slowCallRateThreshold'] as const).map(
      (option) =>
        [
          option,
          (v: unknown) => ({ window: countWindow, slowCallDuration: 100, [option]: v }),
          'from 0 to 100',
        ] as const,
    ),
    [
      [-1, RangeError, '-1'],
      [100.5, RangeError, '100.5'],
      [Number.NaN, RangeError, 'NaN'],
      [Number.POSITIVE_INFINITY, RangeError, 'Infinity'],
      ['50', TypeError, '"50"'],
    ],
  );

  rejectsEach('rejects a percentage outside 0–100 (%s)', percentCases);

  const shapeCases: Invalid[] = [
    [
      'window: a string',
      { window: 'count' },
      TypeError,
      `window must be { type: 'count', size } or { type: 'time', duration, buckets? }, got "count"`,
    ],
    [
      'window: unknown type',
      { window: { type: 'sliding', size: 5 } },
      TypeError,
      `window.type must be 'count' or 'time', got "sliding"`,
    ],
    [
      'window: no type',
      { window: { size: 5 } },
      TypeError,
      `window.type must be 'count' or 'time', got undefined`,
    ],
    [
      'window: count without size',
      { window: { type: 'count' } },
      TypeError,
      'window.size must be an integer from 1 to 10000000, got undefined',
    ],
    [
      'window: time without duration',
      { window: { type: 'time' } },
      TypeError,
      'window.duration must be a finite number of ms > 0, got undefined',
    ],
    [
      'minimumCalls above the count window',
      { window: { type: 'count', size: 5 }, minimumCalls: 6 },
      RangeError,
      'minimumCalls (6) cannot exceed window.size (5)',
    ],
  ];

  rejectsEach('rejects a window of the wrong shape (%s)', shapeCases);

  const rateWithoutWindow: Invalid[] = (
    [
      ['failureRateThreshold', 50],
      ['minimumCalls', 10],
      ['slowCallDuration', 100],
      ['slowCallRateThreshold', 80],
    ] as const
  ).map(([option, value]) => [
    option,
    { [option]: value },
    TypeError,
    `${option} needs a window (got ${option}: ${value})`,
  ]);

  rejectsEach('rejects %s without a window', rateWithoutWindow);

  it('rejects slowCallRateThreshold without slowCallDuration', () => {
    expectInvalid(
      { window: countWindow, slowCallRateThreshold: 80 },
      TypeError,
      'slowCallRateThreshold needs slowCallDuration (got 80)',
    );
  });

  const hookCases: Invalid[] = (
    ['isFailure', 'isResultFailure', 'fallback', 'onListenerError'] as const
  ).flatMap((option) => [
    [
      `${option}: a string`,
      { [option]: 'yes' },
      TypeError,
      `${option} must be a function, got "yes"`,
    ] as const,
    [`${option}: true`, { [option]: true }, TypeError, `${option} must be a function, got true`] as const,
    [
      `${option}: an object`,
      { [option]: { a: 1 } },
      TypeError,
      `${option} must be a function, got {"a":1}`,
    ] as const,
  ]);

  rejectsEach('rejects a hook that is not a function (%s)', hookCases);

  const otherCases: Invalid[] = [
    [
      'ignore: a string',
      { ignore: 'Error' },
      TypeError,
      'ignore must be an array of error classes or a predicate, got "Error"',
    ],
    [
      'ignore: an array with a non-class',
      { ignore: [Error, 'TypeError'] },
      TypeError,
      'ignore[1] must be an error class, got "TypeError"',
    ],
    ['name: empty', { name: '' }, TypeError, 'name must be a non-empty string, got ""'],
    ['name: a number', { name: 42 }, TypeError, 'name must be a non-empty string, got 42'],
    [
      'clock: no now()',
      { clock: { time: 1 } },
      TypeError,
      'clock must be an object with a now() method, got {"time":1}',
    ],
    [
      'clock: a function',
      { clock: () => 1 },
      TypeError,
      'clock must be an object with a now() method, got a function',
    ],
    [
      'rejectionStackTraces',
      { rejectionStackTraces: 'yes' },
      TypeError,
      'rejectionStackTraces must be a boolean, got "yes"',
    ],
    ['traceCalls', { traceCalls: 1 }, TypeError, 'traceCalls must be a boolean, got 1'],
    ['telemetry: not an object', { telemetry: true }, TypeError, 'telemetry must be an object, got true'],
    [
      'telemetry.enabled',
      { telemetry: { enabled: 'no' } },
      TypeError,
      'telemetry.enabled must be a boolean, got "no"',
    ],
  ];

  rejectsEach('rejects %s', otherCases);

  it('rejects unknown option keys, naming them (a typo must not silently fall back to a default)', () => {
    expectInvalid(
      { failureTreshold: 3 },
      TypeError,
      'unknown option "failureTreshold" (did you mean "failureThreshold"?)',
    );
    expectInvalid({ windowSize: 10 }, TypeError, 'unknown option "windowSize"');
  });

  it('treats null like undefined for every option: the default applies', () => {
    const options = Object.fromEntries(
      [
        'name',
        'failureThreshold',
        'resetTimeout',
        'halfOpenMaxCalls',
        'window',
        'timeout',
        'isFailure',
        'clock',
      ].map((key) => [key, null]),
    );
    const breaker = new CircuitBreaker({ ...options, telemetry: { enabled: false } } as never);
    expect(breaker.name).toBe('default');
    expect(breaker._options).toMatchObject({
      failureThreshold: 5,
      resetTimeout: 60_000,
      halfOpenMaxCalls: 1,
    });
    expect(breaker._options.window).toBeUndefined();
    expect(breaker._options.timeout).toBeUndefined();
  });

  it('rejects options that are not an object', () => {
    expect(() => new CircuitBreaker(null as never)).toThrow(
      new TypeError('options must be an object, got null'),
    );
    expect(() => new CircuitBreaker(5 as never)).toThrow(new TypeError('options must be an object, got 5'));
  });
});

describe('durations that reach a timer', () => {
  it('rejects a timeout above 2^31-1 ms, which Node would fire after 1 ms', () => {
    expect(() => new CircuitBreaker({ timeout: 2 ** 31 - 1 })).not.toThrow();
    expectInvalid(
      { timeout: 2 ** 31 },
      RangeError,
      'timeout must be at most 2147483647 ms (2^31-1, the longest timer Node.js sets), got 2147483648',
    );
  });
});

describe('validateBreakerOptions', () => {
  it('accepts valid options', () => {
    expect(() => validateBreakerOptions({ failureThreshold: 3, resetTimeout: 1000 })).not.toThrow();
  });

  it('throws what the constructor throws for a bad value', () => {
    expect(() => validateBreakerOptions({ failureThreshold: 0 })).toThrow(
      'failureThreshold must be an integer >= 1, got 0',
    );
    expect(() => new CircuitBreaker({ failureThreshold: 0 })).toThrow(
      'failureThreshold must be an integer >= 1, got 0',
    );
  });

  it('rejects unknown options and a bad initialState', () => {
    expect(() => validateBreakerOptions({ nope: 1 } as never)).toThrow(TypeError);
    expect(() => validateBreakerOptions({ initialState: { version: 2 } as never })).toThrow(
      'initialState.version must be 1, got 2',
    );
  });
});
