import { describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { createTestClock } from './clock.js';
import { isCircuitOpenError } from './errors.js';
import type { StateChangeEvent } from './events.js';

const off = { telemetry: { enabled: false } } as const;

function tripped(onListenerError?: (error: unknown, source: string) => void) {
  const clock = createTestClock();
  const breaker = new CircuitBreaker({
    name: 'up',
    clock,
    failureThreshold: 1,
    resetTimeout: 1000,
    ...off,
    ...(onListenerError ? { onListenerError } : {}),
  });
  const changes: StateChangeEvent[] = [];
  breaker.on('stateChange', (e) => changes.push(e));
  breaker.tryAcquire()?.failure(new Error('down'));
  return { clock, breaker, changes };
}

describe('CircuitBreaker.gateTrials', () => {
  it('is not asked while the open period runs; a positive answer keeps the circuit open as trial_elsewhere', () => {
    const { clock, breaker } = tripped();
    let wait = 250;
    const gate = vi.fn(() => wait);
    breaker.gateTrials(gate);
    clock.advance(999);
    expect(isCircuitOpenError(breaker.admit())).toBe(true);
    expect(gate).not.toHaveBeenCalled();
    clock.advance(1);
    const rejection = breaker.admit();
    expect(isCircuitOpenError(rejection) && rejection.kind).toBe('trial_elsewhere');
    expect(isCircuitOpenError(rejection) && rejection.retryAfterMs).toBe(250);
    expect(isCircuitOpenError(rejection) && rejection.message).toMatch(
      /another replica is running the trial/,
    );
    expect(breaker.state).toBe('open');
    expect(breaker.getMetrics().state).toBe('open');
    expect(breaker.getMetrics().rejectedCount).toBe(2);
    wait = 0;
    const permit = breaker.admit();
    expect(isCircuitOpenError(permit)).toBe(false);
    expect(!isCircuitOpenError(permit) && permit.trial).toBe(true);
    expect(breaker.state).toBe('half_open');
  });

  it('lets a state read perform the due step once the gate says 0', () => {
    const { clock, breaker, changes } = tripped();
    let wait = 10;
    breaker.gateTrials(() => wait);
    clock.advance(1000);
    expect(breaker.state).toBe('open');
    wait = 0;
    expect(breaker.state).toBe('half_open');
    expect(changes.at(-1)).toEqual({ from: 'open', to: 'half_open', reason: 'reset_timeout' });
  });

  it('treats a throwing gate, NaN, Infinity or a non-number as 0: a broken gate never keeps it open', () => {
    for (const answer of [Number.NaN, Number.POSITIVE_INFINITY, '5', -3]) {
      const { clock, breaker } = tripped();
      breaker.gateTrials(() => answer as number);
      clock.advance(1000);
      expect(breaker.state).toBe('half_open');
    }
    const reported: string[] = [];
    const { clock, breaker } = tripped((_, source) => reported.push(source));
    breaker.gateTrials(() => {
      throw new Error('gate broke');
    });
    clock.advance(1000);
    expect(isCircuitOpenError(breaker.admit())).toBe(false);
    expect(reported).toEqual(['trialGate']);
  });

  it('is removed by its disposer, and a breaker takes one gate at a time', () => {
    const { clock, breaker } = tripped();
    const ungate = breaker.gateTrials(() => 100);
    expect(() => breaker.gateTrials(() => 0)).toThrow(/breaker "up" already has a trial gate/);
    expect(() => breaker.gateTrials(42 as never)).toThrow(TypeError);
    clock.advance(1000);
    expect(breaker.getMetrics().state).toBe('open');
    ungate();
    ungate();
    expect(breaker.getMetrics().state).toBe('half_open');
    expect(breaker.state).toBe('half_open');
    breaker.gateTrials(() => 0);
  });
});

describe('CircuitBreaker remote transitions', () => {
  it('close() takes a reason; openFor() with reason remote never shortens an open period', () => {
    const { clock, breaker, changes } = tripped();
    breaker.openFor(100, { reason: 'remote', origin: 'b' });
    clock.advance(500);
    expect(breaker.retryAfterMs).toBe(500);
    breaker.openFor(5000, { reason: 'remote', origin: 'b' });
    expect(breaker.retryAfterMs).toBe(5000);
    breaker.close({ reason: 'remote', origin: 'b' });
    expect(changes.map((c) => `${c.to}:${c.reason}`)).toEqual(['open:consecutive_failures', 'closed:remote']);
    breaker.openFor(300, { reason: 'remote' });
    expect(changes.at(-1)).toEqual({ from: 'closed', to: 'open', reason: 'remote' });
    breaker.close();
    expect(changes.at(-1)?.reason).toBe('manual');
  });
});
