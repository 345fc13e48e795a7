import { type CircuitBreaker, isCircuitOpenError, type TestClock } from '@tripswitch/core';

/** Unhandled rejections and uncaught exceptions seen while `collect()`ed; `stop()` removes the listeners. */
export interface ProcessFaults {
  readonly seen: unknown[];
  stop(): void;
}

/** Listens at process level for what a breaker or adapter must never cause: unhandled rejections, uncaught throws. */
export function watchProcessFaults(): ProcessFaults {
  const seen: unknown[] = [];
  const onRejection = (reason: unknown) => seen.push(reason);
  const onException = (error: unknown) => seen.push(error);
  process.on('unhandledRejection', onRejection);
  process.on('uncaughtException', onException);
  return {
    seen,
    stop() {
      process.off('unhandledRejection', onRejection);
      process.off('uncaughtException', onException);
    },
  };
}

/** `name: inFlight` of every breaker that still has calls in flight. */
export function inFlightOf(breakers: readonly CircuitBreaker<unknown>[]): string[] {
  return breakers
    .map((b) => [b.name, b.getMetrics().inFlight] as const)
    .filter(([, n]) => n !== 0)
    .map(([name, n]) => `${name}: ${n}`);
}

/**
 * Waits (a bounded poll of real time: servers notice a client that left on their own schedule) until no
 * breaker has a call in flight; returns those that still do when `timeoutMs` runs out.
 */
export async function waitForSettled(
  breakers: () => readonly CircuitBreaker<unknown>[],
  timeoutMs: number,
): Promise<string[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const busy = inFlightOf(breakers());
    if (busy.length === 0 || Date.now() >= until) return busy;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/**
 * Moves the clock `ms` on and asks every breaker for one call: each must admit it (a closed breaker, or a
 * trial once the open period is over). Returns `name: state (why)` of those that rejected it: stuck.
 * The probe permits are ignored, so they leave no trace in the counts that decide.
 */
export function stuckAfter(
  clock: TestClock,
  ms: number,
  breakers: readonly CircuitBreaker<unknown>[],
): string[] {
  clock.advance(ms);
  const stuck: string[] = [];
  for (const b of breakers) {
    const permit = b.admit();
    if (isCircuitOpenError(permit))
      stuck.push(`${b.name}: ${permit.state} (${permit.kind}, retry in ${permit.retryAfterMs} ms)`);
    else permit.ignore();
  }
  return stuck;
}

/** Counts of `items` by `key`, for the run summaries the reports quote. */
export function tally<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}
