import { describe, expect, it } from 'vitest';
import { deferred } from '../../testkit/src/deferred.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { createTestClock } from './clock.js';
import type { SuccessEvent } from './events.js';

// execute() on a closed breaker with no timeout, fallback, slow-call rule, caller signal or telemetry
// takes a fast path without a per-call permit: these pin what it must keep exactly as the permit path.

const make = (options: ConstructorParameters<typeof CircuitBreaker>[0] = {}) =>
  new CircuitBreaker({ telemetry: { enabled: false }, clock: createTestClock(), ...options });

/** A fast-path call still pending across forceOpen() + close(): its outcome is from an older generation. */
function admittedBeforeAStateChange(breaker: CircuitBreaker) {
  const old = deferred<number>();
  const call = breaker.execute(() => old.promise);
  breaker.forceOpen();
  breaker.close();
  return { old, call };
}

describe('CircuitBreaker closed fast path', () => {
  it('counts an outcome from before a state change, but lets it decide nothing', async () => {
    const breaker = make({ failureThreshold: 1 });
    const { old, call } = admittedBeforeAStateChange(breaker);
    old.reject(new Error('late'));
    await expect(call).rejects.toThrow('late');
    expect(breaker.state).toBe('closed');
    expect(breaker.getMetrics()).toMatchObject({ failureCount: 1, consecutiveFailures: 0, inFlight: 0 });
    // The new generation's calls decide again.
    await expect(breaker.execute(() => Promise.reject(new Error('now')))).rejects.toThrow('now');
    expect(breaker.state).toBe('open');
  });

  it('lets a stale success reset nothing, and takes thenables that are not native promises', async () => {
    const breaker = make({ failureThreshold: 2 });
    const { old, call } = admittedBeforeAStateChange(breaker);
    await expect(breaker.execute(() => Promise.reject(new Error('one')))).rejects.toThrow('one');
    old.resolve(7);
    expect(await call).toBe(7);
    expect(breaker.getMetrics()).toMatchObject({ successCount: 1, consecutiveFailures: 1, inFlight: 0 });
    // biome-ignore lint/suspicious/noThenProperty: a thenable that is not a native promise, on purpose
    const thenable = { then: (ok: (v: number) => void) => ok(8) };
    const viaThenable = breaker.execute(() => thenable as PromiseLike<number>);
    expect(viaThenable).toBeInstanceOf(Promise);
    expect(await viaThenable).toBe(8);
    expect(breaker.getMetrics()).toMatchObject({ successCount: 2, consecutiveFailures: 0 });
  });

  it('returns a plain Promise for a promise subclass, on the fast path and with a permit', async () => {
    class Sub<T> extends Promise<T> {}
    const breaker = make();
    const fast = breaker.execute(() => Sub.resolve(1));
    const permitted = breaker.execute(() => Sub.resolve(2), { signal: new AbortController().signal });
    expect(fast.constructor).toBe(Promise);
    expect(permitted.constructor).toBe(Promise);
    expect([await fast, await permitted]).toEqual([1, 2]);
    expect(breaker.getMetrics()).toMatchObject({ successCount: 2, inFlight: 0 });
  });

  it('books concurrent calls of one generation each once', async () => {
    const breaker = make({ failureThreshold: 3 });
    const calls = [deferred<number>(), deferred<number>(), deferred<number>(), deferred<number>()];
    const results = calls.map((d) => breaker.execute(() => d.promise).catch(() => 'failed'));
    expect(breaker.getMetrics().inFlight).toBe(4);
    calls[0]?.reject(new Error('a'));
    calls[1]?.resolve(1);
    calls[2]?.reject(new Error('b'));
    calls[3]?.reject(new Error('c'));
    expect(await Promise.all(results)).toEqual(['failed', 1, 'failed', 'failed']);
    expect(breaker.getMetrics()).toMatchObject({ successCount: 1, failureCount: 3, inFlight: 0 });
    expect(breaker.getMetrics().consecutiveFailures).toBe(2);
    expect(breaker.state).toBe('closed');
  });

  it('re-throws sync throws and non-Error values unchanged, and takes plain return values', async () => {
    const breaker = make({ failureThreshold: 10 });
    const thrown = { not: 'an error' };
    await expect(
      breaker.execute(() => {
        throw thrown;
      }),
    ).rejects.toBe(thrown);
    await expect(breaker.execute(() => Promise.reject('text'))).rejects.toBe('text');
    await expect(breaker.execute(() => 7)).resolves.toBe(7);
    expect(breaker.getMetrics()).toMatchObject({ successCount: 1, failureCount: 2, inFlight: 0 });
  });

  it('judges results and errors with isResultFailure, ignore and isFailure', async () => {
    const breaker = make({
      failureThreshold: 1,
      isResultFailure: (v) => v === 'bad',
      ignore: (e) => e === 'skip',
      isFailure: (e) => e !== 'fine',
    });
    await expect(breaker.execute(() => Promise.reject('skip'))).rejects.toBe('skip');
    await expect(breaker.execute(() => Promise.reject('fine'))).rejects.toBe('fine');
    expect(breaker.getMetrics()).toMatchObject({ ignoredCount: 1, successCount: 1, failureCount: 0 });
    await expect(breaker.execute(async () => 'bad')).resolves.toBe('bad');
    expect(breaker.getMetrics().failureCount).toBe(1);
    expect(breaker.state).toBe('open');
  });

  it('feeds every outcome to the window of a rate rule', async () => {
    const breaker = make({ window: { type: 'count', size: 10 }, minimumCalls: 4, failureRateThreshold: 50 });
    for (let i = 0; i < 3; i++) await breaker.execute(async () => i);
    await expect(breaker.execute(() => Promise.reject(new Error('one')))).rejects.toThrow('one');
    expect(breaker.getMetrics()).toMatchObject({ bufferedCalls: 4, failureRate: 25, successCount: 3 });
    expect(breaker.state).toBe('closed');
  });

  it('emits outcomes to a listener added while the call was in flight, as the permit path does', async () => {
    const breaker = make();
    const pending = deferred<number>();
    const call = breaker.execute(() => pending.promise);
    const seen: SuccessEvent[] = [];
    breaker.on('success', (e) => seen.push(e));
    pending.resolve(1);
    await call;
    expect(seen).toEqual([{ durationMs: Number.NaN, state: 'closed' }]);
  });
});
