import { show } from './check.js';

/**
 * Where a wrapped function takes the call's `AbortSignal`: `'last'` passes it as the function's last
 * declared parameter (position `fn.length - 1`), so a function written as `(id, signal?) => …` can be
 * cancelled at the breaker's `timeout`. Without it the function never sees the signal.
 */
export type SignalArgument = 'last';

/**
 * @internal Checks a `signal` option: `'last'`, or not given (`undefined`, `null`).
 * @throws TypeError for anything else.
 */
export function checkSignalArgument(what: string, signal: unknown): SignalArgument | undefined {
  if (signal === undefined || signal === null) return undefined;
  if (signal !== 'last') throw new TypeError(`${what}: signal must be 'last', got ${show(signal)}`);
  return signal;
}

/**
 * @internal The position of the signal among `fn`'s arguments for `signal`, or -1 for none.
 * @throws TypeError when `signal` is not `'last'` or `fn` declares no parameter to take it.
 */
export function signalPosition(what: string, fn: (...args: never[]) => unknown, signal: unknown): number {
  if (checkSignalArgument(what, signal) === undefined) return -1;
  if (fn.length === 0) {
    throw new TypeError(
      `${what}: with signal: 'last' the function must declare the signal as its last parameter ` +
        '(one without a default value: those and rest parameters do not count in fn.length)',
    );
  }
  return fn.length - 1;
}

/**
 * @internal The `execute()` options that carry the caller's own signal, when the caller passed an
 * `AbortSignal` where the call's signal goes.
 */
export function callerSignal(args: readonly unknown[], at: number): { signal: AbortSignal } | undefined {
  const given = args[at];
  return given instanceof AbortSignal ? { signal: given } : undefined;
}

/**
 * @internal The arguments to call the function with: the caller's, padded with `undefined` up to `at`
 * (optional parameters the caller left out), and the call's signal at `at`.
 */
export function withSignal(args: readonly unknown[], at: number, signal: AbortSignal | undefined): unknown[] {
  const out = args.slice();
  while (out.length < at) out.push(undefined);
  out[at] = signal;
  return out;
}
