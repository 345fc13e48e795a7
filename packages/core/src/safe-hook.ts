/**
 * The one helper through which core and every adapter run user hooks and listeners: a hook that throws
 * never breaks a call. A leaf module: it imports nothing.
 */

/** Receives the errors of user hooks: `source` names the hook or event (`'isFailure'`, `'stateChange'`). */
export type HookErrorHandler = (error: unknown, source: string) => void;

/**
 * Runs the user hooks of one owner (a breaker, an adapter instance) safely: throws are caught and
 * reported, never passed to the caller.
 */
export interface SafeHook {
  /**
   * Reports `error` from hook `source`: to `onListenerError` when given (a throwing one is swallowed),
   * else through `console.error`, once per owner.
   */
  report(error: unknown, source: string): void;
  /**
   * Asks a yes/no hook. Only an exact `true` is yes. A hook that throws is reported and answers
   * `whenThrows`; one that returns a Promise or other thenable (almost certainly an `async` function by
   * mistake) answers no, and is reported once per source (a rejection of that promise is reported too,
   * never left unhandled).
   */
  judge<V>(source: string, predicate: (value: V) => unknown, value: V, whenThrows: boolean): boolean;
  /** Calls a hook whose result is not a verdict (a listener); returns its result, or `undefined` if it threw. */
  call<V, R>(source: string, hook: (value: V) => R, value: V): R | undefined;
}

function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    (typeof value === 'object' || typeof value === 'function') &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

class OwnerHooks implements SafeHook {
  private logged = false;
  private thenables: Set<string> | undefined = undefined;

  constructor(
    private readonly owner: string,
    private readonly onError: HookErrorHandler | undefined,
  ) {}

  report(error: unknown, source: string): void {
    try {
      if (this.onError !== undefined) {
        this.onError(error, source);
        return;
      }
      if (this.logged) return;
      this.logged = true;
      console.error(
        `[tripswitch] a "${source}" listener or hook of ${this.owner} threw; ` +
          'later errors of it are not logged (pass onListenerError to see them all):',
        error,
      );
    } catch {
      // A reporter that throws has nowhere left to report to, and must not break the call either.
    }
  }

  judge<V>(source: string, predicate: (value: V) => unknown, value: V, whenThrows: boolean): boolean {
    let answer: unknown;
    try {
      answer = predicate(value);
    } catch (error) {
      this.report(error, source);
      return whenThrows;
    }
    if (answer === true) return true;
    if (answer !== false && isThenable(answer)) this.thenable(source, answer);
    return false;
  }

  call<V, R>(source: string, hook: (value: V) => R, value: V): R | undefined {
    try {
      return hook(value);
    } catch (error) {
      this.report(error, source);
      return undefined;
    }
  }

  private thenable(source: string, answer: PromiseLike<unknown>): void {
    try {
      answer.then(undefined, (error: unknown) => this.report(error, source));
    } catch (error) {
      this.report(error, source);
    }
    this.thenables ??= new Set();
    if (this.thenables.has(source)) return;
    this.thenables.add(source);
    this.report(
      new TypeError(
        `the "${source}" hook of ${this.owner} returned a Promise; it must answer synchronously with ` +
          'true or false (a Promise counts as false)',
      ),
      source,
    );
  }
}

/**
 * Makes the {@link SafeHook} of one owner.
 *
 * @param owner - how messages name the owner (`'breaker "payments"'`).
 * @param onListenerError - where hook errors go; `console.error` once per owner when omitted.
 * @example
 * ```ts
 * const hooks = safeHook('breaker "payments"', options.onListenerError);
 * const failed = hooks.judge('isFailure', isFailure, error, true);
 * ```
 */
export function safeHook(owner: string, onListenerError?: HookErrorHandler): SafeHook {
  return new OwnerHooks(owner, onListenerError);
}
