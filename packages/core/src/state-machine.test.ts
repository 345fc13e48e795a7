import { describe, expect, it } from 'vitest';
import { createTestClock } from './clock.js';
import { BreakerPermit } from './permit.js';
import { ADMITTED, REJECTIONS, type StateChange, StateMachine, TRIAL } from './state-machine.js';

function machine(opts: { halfOpenMaxCalls?: number } = {}) {
  const clock = createTestClock(1000);
  const changes: StateChange[] = [];
  const reported: unknown[] = [];
  const m = new StateMachine({
    _options: { resetTimeout: 100, halfOpenMaxCalls: opts.halfOpenMaxCalls ?? 2, halfOpenTimeout: 50 },
    _now: () => clock.now(),
    _hookError: (e) => reported.push(e),
    _stateChanged: (c) => changes.push(c),
  });
  /** The last rejection as [state, kind, retryAfterMs], from what admit() answered. */
  const rejection = (answer: number) => {
    const r = REJECTIONS[m.rejection];
    return [r?.state, r?.kind, answer];
  };
  const owner = { _settle() {}, _telemetry: undefined };
  const permit = () => new BreakerPermit(owner, m.generation, 0, m.s.kind, false, undefined);
  return { m, clock, changes, reported, permit, rejection };
}

describe('StateMachine', () => {
  it('admits while closed and tells the host of every change, bumping the generation once each', () => {
    const { m, changes, permit } = machine();
    expect(m.admit()).toBe(ADMITTED);
    const cause = permit();
    m.open(100, 'consecutive_failures', cause, { consecutiveFailures: 5, threshold: 5 });
    expect(m.generation).toBe(1);
    expect(m.changedBy).toBe(cause);
    expect(changes).toEqual([
      expect.objectContaining({ from: 'closed', to: 'open', reason: 'consecutive_failures', cause }),
    ]);
    expect(m.last).toEqual({ from: 'closed', to: 'open', reason: 'consecutive_failures', at: 1000 });
  });

  it('rejects while open with the time left, then half-opens lazily and bounds the trials', () => {
    const { m, clock, changes, rejection } = machine();
    m.open(100, 'manual', undefined, undefined);
    clock.advance(40);
    expect(rejection(m.admit())).toEqual(['open', 'circuit_open', 60]);
    expect(m.peek()).toBe('open');
    clock.advance(60);
    expect(m.peek()).toBe('half_open');
    expect(m.s.kind).toBe('open'); // peeking changes nothing
    expect(m.admit()).toBe(TRIAL);
    expect(m.admit()).toBe(TRIAL);
    expect(rejection(m.admit())).toEqual(['half_open', 'half_open_full', 0]);
    expect(changes.map((c) => c.to)).toEqual(['open', 'half_open']);
  });

  it('re-opens on a failed trial and reports completion only when every trial succeeded', () => {
    const { m, clock, permit } = machine();
    m.open(100, 'manual', undefined, undefined);
    clock.advance(100);
    m.admit();
    m.admit();
    expect(m.trialSettled(false, true, true, permit())).toBe(false);
    expect(m.slowTrials).toBe(1);
    expect(m.trialSettled(false, true, false, permit())).toBe(true);
    expect(m.s.kind).toBe('half_open'); // the verdict is the breaker's (its rules)
    m.admit();
    const p = permit();
    expect(m.trialSettled(true, false, false, p)).toBe(false);
    expect(m.s.kind).toBe('open');
    expect(m.changedBy).toBe(p);
  });

  it('times out trials that never settle', () => {
    const { m, clock, changes, rejection } = machine({ halfOpenMaxCalls: 1 });
    m.open(100, 'manual', undefined, undefined);
    clock.advance(100);
    expect(m.admit()).toBe(TRIAL);
    clock.advance(50);
    expect(rejection(m.admit())).toEqual(['open', 'circuit_open', 100]);
    expect(changes.at(-1)?.reason).toBe('trial_timeout');
  });

  it('asks the trial gate; a throwing gate is reported and lets trials start', () => {
    const { m, clock, reported, rejection } = machine();
    m.trialGate = () => 25;
    m.open(100, 'manual', undefined, undefined);
    clock.advance(100);
    expect(rejection(m.admit())).toEqual(['open', 'trial_elsewhere', 25]);
    const boom = new Error('gate');
    m.trialGate = () => {
      throw boom;
    };
    expect(m.admit()).toBe(TRIAL);
    expect(reported).toEqual([boom]);
  });

  it('openFor extends an open period, never shortens it, and ignores a stale cause', () => {
    const { m, clock, changes, permit } = machine();
    const stale = permit();
    m.open(100, 'manual', undefined, undefined);
    m.openFor(500, 'retry_after', undefined);
    m.openFor(10, 'retry_after', undefined);
    expect(m.s).toMatchObject({ kind: 'open', halfOpenAt: 1500 });
    expect(changes).toHaveLength(1); // extending is no state change
    m.transition({ kind: 'closed' }, 'manual', undefined, undefined);
    m.openFor(300, 'retry_after', stale);
    expect(m.s.kind).toBe('closed');
    clock.advance(1);
    m.openFor(300, 'retry_after', permit());
    expect(m.s).toMatchObject({ kind: 'open', halfOpenAt: 1301 });
  });

  it('keeps forced_open and disabled against openFor and rejects forced_open with no end', () => {
    const { m, rejection } = machine();
    m.transition({ kind: 'forced_open' }, 'manual', undefined, undefined);
    m.openFor(10, 'manual', undefined);
    expect(m.s.kind).toBe('forced_open');
    expect(rejection(m.admit())).toEqual(['forced_open', 'circuit_open', Number.POSITIVE_INFINITY]);
    m.transition({ kind: 'disabled' }, 'manual', undefined, undefined);
    expect(m.admit()).toBe(ADMITTED);
  });
});
