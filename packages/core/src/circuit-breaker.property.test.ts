import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './circuit-breaker.js';
import { createTestClock } from './clock.js';
import { CallTimeoutError, isCircuitOpenError } from './errors.js';
import type { StateChangeEvent } from './events.js';
import type { Permit } from './permit.js';

/*
 * Model-based test: random interleavings of call starts, outcomes, timeouts, clock advances and manual
 * control, run against the breaker and against a small reference model written from the spec (it shares
 * no code with the implementation), comparing state, counts, transitions and the half_open bound after
 * every step.
 */

/** The error class the breakers under test ignore. */
class Ignorable extends Error {}

/** The `timeout` of every breaker here, in fake-timer ms (the breaker's own clock is a test clock). */
const TIMEOUT = 1000;

interface Config {
  readonly resetTimeout: number;
  readonly halfOpenMaxCalls: number;
  readonly failureThreshold: number | undefined;
  readonly window:
    | {
        readonly size: number;
        readonly minimumCalls: number | undefined;
        readonly failureRateThreshold: number;
      }
    | undefined;
}

type Outcome = 'success' | 'failure' | 'ignore';

type Command =
  | { readonly t: 'acquire' } // tryAcquire(): a permit the test settles
  | { readonly t: 'start' } // execute() of a pending promise, under the breaker's timeout
  | { readonly t: 'settle'; readonly pick: number; readonly outcome: Outcome }
  | { readonly t: 'resettle'; readonly pick: number; readonly outcome: Outcome }
  | { readonly t: 'timeout' } // the deadline of every execute() in flight passes
  | { readonly t: 'advance'; readonly ms: number }
  | { readonly t: 'read' }
  | { readonly t: 'forceOpen' | 'disable' | 'close' | 'reset' }
  | { readonly t: 'openFor'; readonly ms: number };

// ---------------------------------------------------------------------------------------------------
// The reference model

type ModelState =
  | { readonly kind: 'closed' }
  | { readonly kind: 'open'; until: number }
  | { readonly kind: 'half_open'; running: number; succeeded: number; readonly since: number }
  | { readonly kind: 'forced_open' }
  | { readonly kind: 'disabled' };

/** An admitted call as the model sees it: the period it was admitted in, and whether it is a trial. */
interface ModelCall {
  readonly period: number;
  readonly trial: boolean;
}

/** Lifetime counts by what happened: each settled outcome, each rejection, timeout and transition. */
type ModelCounts = Record<Outcome | 'rejected' | 'timeout' | 'stateChange', number>;

function zeroCounts(): ModelCounts {
  return { success: 0, failure: 0, ignore: 0, rejected: 0, timeout: 0, stateChange: 0 };
}

class Model {
  state: ModelState = { kind: 'closed' };
  /** Bumped on every transition; a call from an earlier period is counted but decides nothing. */
  period = 0;
  counts = zeroCounts();
  inFlight = 0;
  consecutive = 0;
  /** Count window: the failure flags of the last `size` closed-state outcomes, oldest first. */
  recent: boolean[] = [];
  readonly transitions: StateChangeEvent[] = [];

  constructor(
    readonly config: Config,
    readonly now: () => number,
  ) {}

  get minimumCalls(): number {
    const w = this.config.window;
    return w === undefined ? Number.POSITIVE_INFINITY : (w.minimumCalls ?? Math.min(10, w.size));
  }

  /** open → half_open once the open period is over (the breaker does it lazily; the test reads every step). */
  refresh(): void {
    if (this.state.kind === 'open' && this.now() >= this.state.until) {
      this.go({ kind: 'half_open', running: 0, succeeded: 0, since: this.now() }, 'reset_timeout');
    }
  }

  admit(): ModelCall | 'circuit_open' | 'half_open_full' {
    this.refresh();
    const s = this.state;
    if (s.kind === 'open' || s.kind === 'forced_open') {
      this.counts.rejected++;
      return 'circuit_open';
    }
    if (s.kind === 'half_open') {
      // Trials that already succeeded keep their slot until the circuit closes.
      if (s.running + s.succeeded >= this.config.halfOpenMaxCalls) {
        this.counts.rejected++;
        // halfOpenTimeout (= resetTimeout here) after half-opening, trials still out are given up on.
        if (s.running > 0 && this.now() - s.since >= this.config.resetTimeout) {
          this.open(this.config.resetTimeout, 'trial_timeout');
          return 'circuit_open';
        }
        return 'half_open_full';
      }
      s.running++;
    }
    this.inFlight++;
    return { period: this.period, trial: s.kind === 'half_open' };
  }

  settle(call: ModelCall, outcome: Outcome, timedOut = false): void {
    this.inFlight--;
    if (timedOut) this.counts.timeout++;
    this.counts[outcome]++;
    if (call.period !== this.period) return;
    const s = this.state;
    if (s.kind === 'closed' || s.kind === 'disabled') {
      // Disabled: the numbers are kept current, but nothing opens.
      if (outcome !== 'ignore') this.record(outcome === 'failure', s.kind === 'closed');
    } else if (s.kind === 'half_open') {
      s.running--;
      if (outcome === 'failure') {
        this.open(this.config.resetTimeout, 'trial_failed');
      } else if (outcome === 'success') {
        s.succeeded++;
        if (s.succeeded === this.config.halfOpenMaxCalls) this.go({ kind: 'closed' }, 'trial_succeeded');
      }
    }
  }

  forceOpen(): void {
    if (this.state.kind !== 'forced_open') this.go({ kind: 'forced_open' }, 'manual');
  }

  disable(): void {
    if (this.state.kind !== 'disabled') this.go({ kind: 'disabled' }, 'manual');
  }

  close(): void {
    if (this.state.kind !== 'closed') this.go({ kind: 'closed' }, 'manual');
    this.consecutive = 0;
    this.recent = [];
  }

  reset(): void {
    this.close();
    this.counts = zeroCounts();
  }

  openFor(ms: number): void {
    this.refresh();
    const s = this.state;
    if (s.kind === 'forced_open' || s.kind === 'disabled') return;
    if (s.kind === 'open') s.until = Math.max(s.until, this.now() + ms);
    else this.open(ms, 'manual');
  }

  retryAfterMs(): number {
    const s = this.state;
    if (s.kind === 'open') return s.until - this.now();
    return s.kind === 'forced_open' ? Number.POSITIVE_INFINITY : 0;
  }

  failureRate(): number | null {
    if (this.recent.length < this.minimumCalls) return null;
    return (this.recent.filter(Boolean).length / this.recent.length) * 100;
  }

  private record(failed: boolean, decides: boolean): void {
    this.consecutive = failed ? this.consecutive + 1 : 0;
    const w = this.config.window;
    if (w !== undefined) {
      this.recent.push(failed);
      if (this.recent.length > w.size) this.recent.shift();
    }
    if (!decides) return;
    const threshold = this.config.failureThreshold;
    if (threshold !== undefined && this.consecutive >= threshold) {
      this.open(this.config.resetTimeout, 'consecutive_failures');
      return;
    }
    if (w !== undefined && this.recent.length >= this.minimumCalls) {
      const failures = this.recent.filter(Boolean).length;
      if (failures > 0 && failures * 100 >= w.failureRateThreshold * this.recent.length) {
        this.open(this.config.resetTimeout, 'failure_rate');
      }
    }
  }

  private open(ms: number, reason: string): void {
    this.go({ kind: 'open', until: this.now() + ms }, reason);
  }

  private go(to: ModelState, reason: string): void {
    this.transitions.push({ from: this.state.kind, to: to.kind, reason });
    this.state = to;
    this.period++;
    this.counts.stateChange++;
    if (to.kind === 'closed') {
      this.consecutive = 0;
      this.recent = [];
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The harness

/** A call the test started: a permit it settles, or an execute() whose promise it controls. */
interface Call {
  readonly model: ModelCall;
  /** How many transitions had happened when it was admitted: it belongs to that period. */
  readonly period: number;
  /** Admitted while the breaker reported half_open (a trial), as the test saw it. */
  readonly halfOpen: boolean;
  readonly permit?: Permit;
  readonly exec?: {
    resolve(value: string): void;
    reject(error: unknown): void;
    result?: { value: unknown } | { error: unknown };
  };
}

/** Lets every pending promise reaction run (setImmediate is not faked here). */
const flush = () => new Promise<void>((resolve) => setImmediate(resolve));

async function run(config: Config, commands: readonly Command[]): Promise<void> {
  const clock = createTestClock();
  const breaker = new CircuitBreaker({
    telemetry: { enabled: false },
    clock,
    resetTimeout: config.resetTimeout,
    halfOpenMaxCalls: config.halfOpenMaxCalls,
    timeout: TIMEOUT,
    ignore: [Ignorable],
    ...(config.failureThreshold !== undefined ? { failureThreshold: config.failureThreshold } : {}),
    ...(config.window !== undefined
      ? {
          window: { type: 'count', size: config.window.size } as const,
          failureRateThreshold: config.window.failureRateThreshold,
          ...(config.window.minimumCalls !== undefined ? { minimumCalls: config.window.minimumCalls } : {}),
        }
      : {}),
  });
  const events: StateChangeEvent[] = [];
  breaker.on('stateChange', (e) => events.push(e));
  const model = new Model(config, () => clock.now());
  const running: Call[] = [];
  const settledPermits: Permit[] = [];

  const admitted = (expected: ReturnType<Model['admit']>): expected is ModelCall =>
    typeof expected !== 'string';

  for (const command of commands) {
    switch (command.t) {
      case 'acquire': {
        const halfOpen = breaker.state === 'half_open';
        const expected = model.admit();
        const permit = breaker.tryAcquire();
        if (!admitted(expected)) {
          expect(permit).toBeUndefined();
          break;
        }
        expect(permit).toBeDefined();
        expect(permit?.trial).toBe(halfOpen);
        expect(expected.trial).toBe(halfOpen);
        if (permit) running.push({ model: expected, period: events.length, halfOpen, permit });
        break;
      }
      case 'start': {
        const halfOpen = breaker.state === 'half_open';
        const expected = model.admit();
        let called = false;
        const exec: NonNullable<Call['exec']> = { resolve: () => {}, reject: () => {} };
        const promise = breaker.execute(() => {
          called = true;
          return new Promise<string>((resolve, reject) => {
            exec.resolve = resolve;
            exec.reject = reject;
          });
        });
        promise.then(
          (value) => {
            exec.result = { value };
          },
          (error: unknown) => {
            exec.result = { error };
          },
        );
        if (!admitted(expected)) {
          expect(called).toBe(false);
          await flush();
          const error = exec.result && 'error' in exec.result ? exec.result.error : undefined;
          expect(isCircuitOpenError(error)).toBe(true);
          expect(error).toMatchObject({ kind: expected });
          break;
        }
        expect(called).toBe(true); // fn runs synchronously inside execute(), before its first await
        running.push({ model: expected, period: events.length, halfOpen, exec });
        break;
      }
      case 'settle': {
        if (running.length === 0) break;
        const [call] = running.splice(command.pick % running.length, 1);
        if (call === undefined) break;
        model.settle(call.model, command.outcome);
        if (call.permit) {
          if (command.outcome === 'success') call.permit.success();
          else if (command.outcome === 'failure') call.permit.failure(new Error('boom'));
          else call.permit.ignore();
          expect(call.permit.settled).toBe(true);
          settledPermits.push(call.permit);
        } else if (call.exec) {
          const error = command.outcome === 'ignore' ? new Ignorable('not found') : new Error('boom');
          if (command.outcome === 'success') call.exec.resolve('ok');
          else call.exec.reject(error);
          await flush();
          expect(call.exec.result).toEqual(command.outcome === 'success' ? { value: 'ok' } : { error });
        }
        break;
      }
      case 'resettle': {
        const permit = settledPermits[command.pick % Math.max(1, settledPermits.length)];
        if (command.outcome === 'success') permit?.success();
        else if (command.outcome === 'failure') permit?.failure(new Error('again'));
        else permit?.ignore();
        break;
      }
      case 'timeout': {
        const timingOut = running.filter((c) => c.exec !== undefined);
        for (const call of timingOut) {
          running.splice(running.indexOf(call), 1);
          model.settle(call.model, 'failure', true);
        }
        await vi.advanceTimersByTimeAsync(TIMEOUT);
        await flush();
        for (const call of timingOut) {
          const result = call.exec?.result;
          expect(result && 'error' in result ? result.error : result).toBeInstanceOf(CallTimeoutError);
        }
        break;
      }
      case 'advance':
        clock.advance(command.ms);
        break;
      case 'read':
        model.refresh();
        expect(breaker.state).toBe(model.state.kind);
        break;
      case 'forceOpen':
      case 'disable':
      case 'close':
      case 'reset':
        breaker[command.t]();
        model[command.t]();
        break;
      case 'openFor':
        breaker.openFor(command.ms);
        model.openFor(command.ms);
        break;
    }

    // After every step: the state, the counts and the transitions agree with the model ...
    model.refresh();
    expect(breaker.state).toBe(model.state.kind);
    expect(breaker.getMetrics()).toEqual({
      name: 'default',
      state: model.state.kind,
      successCount: model.counts.success,
      failureCount: model.counts.failure,
      ignoredCount: model.counts.ignore,
      rejectedCount: model.counts.rejected,
      timeoutCount: model.counts.timeout,
      stateChanges: model.counts.stateChange,
      consecutiveFailures: model.consecutive,
      failureRate: model.failureRate(),
      slowCallRate: null,
      bufferedCalls: model.recent.length,
      inFlight: model.inFlight,
      retryAfterMs: model.retryAfterMs(),
    });
    expect(events).toEqual(model.transitions);
    // ... and never more than halfOpenMaxCalls trials of the current half_open period are in flight,
    // counted from what the test itself saw (the state at admission, the transitions since).
    if (model.state.kind === 'half_open') {
      const trials = running.filter((c) => c.halfOpen && c.period === events.length).length;
      expect(trials).toBeLessThanOrEqual(config.halfOpenMaxCalls);
      expect(trials).toBe(model.state.running);
    }
  }
}

// ---------------------------------------------------------------------------------------------------
// The generators

const outcome = fc.constantFrom<Outcome>('success', 'failure', 'ignore');

function commandsArb(manual: boolean): fc.Arbitrary<Command[]> {
  const calls: Array<fc.WeightedArbitrary<Command>> = [
    { weight: 6, arbitrary: fc.constant({ t: 'acquire' as const }) },
    { weight: 2, arbitrary: fc.constant({ t: 'start' as const }) },
    {
      weight: 7,
      arbitrary: fc.record({ t: fc.constant('settle' as const), pick: fc.nat(), outcome }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('resettle' as const), pick: fc.nat(), outcome }),
    },
    { weight: 1, arbitrary: fc.constant({ t: 'timeout' as const }) },
    {
      weight: 3,
      arbitrary: fc.record({ t: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 60 }) }),
    },
    { weight: 1, arbitrary: fc.constant({ t: 'read' as const }) },
  ];
  const control: Array<fc.WeightedArbitrary<Command>> = [
    {
      weight: 1,
      arbitrary: fc.constantFrom<Command>(
        { t: 'forceOpen' },
        { t: 'disable' },
        { t: 'close' },
        { t: 'reset' },
      ),
    },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('openFor' as const), ms: fc.integer({ min: 0, max: 100 }) }),
    },
  ];
  // size 'max': fast-check's default size keeps arrays to about ten commands, too few to reach half_open often.
  return fc.array(fc.oneof(...calls, ...(manual ? control : [])), {
    minLength: 1,
    maxLength: 100,
    size: 'max',
  });
}

const common = {
  resetTimeout: fc.integer({ min: 1, max: 100 }),
  halfOpenMaxCalls: fc.integer({ min: 1, max: 3 }),
};

const consecutiveConfig: fc.Arbitrary<Config> = fc.record({
  ...common,
  failureThreshold: fc.integer({ min: 1, max: 4 }),
  window: fc.constant(undefined),
});

const countWindowConfig: fc.Arbitrary<Config> = fc
  .record({
    ...common,
    failureThreshold: fc.option(fc.integer({ min: 1, max: 5 }), { nil: undefined }),
    size: fc.integer({ min: 1, max: 8 }),
    minimumCalls: fc.option(fc.integer({ min: 1, max: 8 }), { nil: undefined }),
    failureRateThreshold: fc.integer({ min: 1, max: 100 }),
  })
  .map(({ size, minimumCalls, failureRateThreshold, ...rest }) => ({
    ...rest,
    window: {
      size,
      minimumCalls: minimumCalls === undefined ? undefined : Math.min(minimumCalls, size),
      failureRateThreshold,
    },
  }));

describe('CircuitBreaker (model-based)', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  const property = (config: fc.Arbitrary<Config>, manual: boolean) =>
    fc.asyncProperty(config, commandsArb(manual), async (c, commands) => {
      try {
        await run(c, commands);
      } finally {
        vi.clearAllTimers(); // deadlines of calls the run left pending
      }
    });

  it('agrees with the reference model under the consecutive rule', async () => {
    await fc.assert(property(consecutiveConfig, false), { numRuns: 300 });
  }, 60_000);

  it('agrees with the reference model under a count window', async () => {
    await fc.assert(property(countWindowConfig, false), { numRuns: 300 });
  }, 60_000);

  it('agrees with the reference model with manual control mixed in', async () => {
    await fc.assert(property(fc.oneof(consecutiveConfig, countWindowConfig), true), { numRuns: 300 });
  }, 60_000);
});
