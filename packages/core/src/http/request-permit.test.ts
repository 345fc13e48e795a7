import { afterEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from '../circuit-breaker.js';
import { createTestClock } from '../clock.js';
import { isCallTimeoutError, isCircuitOpenError } from '../errors.js';
import type { Permit } from '../permit.js';
import { safeHook } from '../safe-hook.js';
import { settleRequest, withDeadline } from './request-permit.js';

const off = { telemetry: { enabled: false } } as const;
const admit = (b: CircuitBreaker<unknown>): Permit => {
  const p = b.admit();
  if (!('success' in p)) throw new Error('not admitted');
  return p;
};

describe('settleRequest', () => {
  const hooks = safeHook('test', undefined);

  it('ignores a CircuitOpenError while ignoreCircuitOpen, without asking isFailure', () => {
    const b = new CircuitBreaker({ name: 'route', clock: createTestClock(), ...off });
    const isFailure = vi.fn(() => true);
    const upstream = new CircuitBreaker({ name: 'upstream', ...off });
    upstream.forceOpen();
    const open = upstream.admit();
    expect(isCircuitOpenError(open)).toBe(true);
    settleRequest(admit(b), { ignoreCircuitOpen: true }, hooks, isFailure, open, open, 500);
    expect(isFailure).not.toHaveBeenCalled();
    settleRequest(admit(b), { ignoreCircuitOpen: false }, hooks, isFailure, open, open, 500);
    expect(b.getMetrics()).toMatchObject({ ignoredCount: 1, failureCount: 1 });
  });

  it('records the status as the failure when there is no error, and settles once', () => {
    const b = new CircuitBreaker({ name: 'route', clock: createTestClock(), ...off });
    const failures: unknown[] = [];
    b.on('failure', ({ error }) => failures.push(error));
    const permit = admit(b);
    settleRequest(permit, { ignoreCircuitOpen: true }, hooks, () => true, undefined, undefined, 502);
    settleRequest(permit, { ignoreCircuitOpen: true }, hooks, () => false, undefined, undefined, 200);
    expect(failures).toEqual([502]);
    expect(b.getMetrics()).toMatchObject({ failureCount: 1, successCount: 0, inFlight: 0 });
  });
});

describe('withDeadline', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('is the permit itself without a deadline', () => {
    const b = new CircuitBreaker({ name: 'route', ...off });
    const permit = admit(b);
    expect(withDeadline(permit, 'route', undefined)).toBe(permit);
  });

  it('fails an unsettled permit at the deadline with a CallTimeoutError, and clears its timer when settled first', () => {
    vi.useFakeTimers();
    const b = new CircuitBreaker({ name: 'route', clock: createTestClock(), ...off });
    const errors: unknown[] = [];
    b.on('failure', ({ error }) => errors.push(error));
    const late = withDeadline(admit(b), 'route', 500);
    const early = withDeadline(admit(b), 'route', 500);
    expect(late.trial).toBe(false);
    early.success();
    expect(vi.getTimerCount()).toBe(1);
    vi.advanceTimersByTime(499);
    expect(late.settled).toBe(false);
    vi.advanceTimersByTime(1);
    expect(late.settled).toBe(true);
    expect(errors).toHaveLength(1);
    expect(isCallTimeoutError(errors[0])).toBe(true);
    late.success(); // the late answer changes nothing
    expect(b.getMetrics()).toMatchObject({ successCount: 1, failureCount: 1, inFlight: 0 });
    expect(late.run(() => 42)).toBe(42);
  });
});
