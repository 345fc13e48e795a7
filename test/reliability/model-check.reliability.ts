/**
 * Model check: random operation sequences run against a real breaker and against the reference model
 * (breaker-model.ts), compared after every step: state, every count getMetrics() shows, inFlight, the
 * transitions in order, what a rejection says, and the half_open bound counted from the permits the test
 * holds. The operations: acquire and admit, settle in any order (success, failure, a status, ignore, and
 * again), move the injected clock, read the state (the lazy step), forceOpen/openFor/close/reset/disable,
 * listeners that change state from inside a transition, an outcome or a rejection (one that throws, too),
 * and toJSON → a new breaker from that `initialState` with calls still in flight.
 *
 * fast-check with shrinking; the seed is fixed (`TRIPSWITCH_SEED` replays another); sequence counts come
 * from `TRIPSWITCH_MODEL_RUNS` (default 50,000 per family, two families; `npm run test:long` runs ten times
 * as many).
 */
import {
  type BreakerMetrics,
  CircuitBreaker,
  type CircuitState,
  createTestClock,
  isCircuitOpenError,
  type Permit,
} from '@tripswitch/core';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import {
  BreakerModel,
  type ModelCall,
  type ModelConfig,
  type ModelEvent,
  type ModelMetrics,
  type ModelOutcome,
  type ModelSnapshot,
  type ModelWindowConfig,
} from './breaker-model.js';
import { PENDING } from './pending-fixes.js';
import { envCount, runSeed } from './random.js';

const RUNS = envCount('TRIPSWITCH_MODEL_RUNS', 50_000);
const SEED = runSeed();
/** Sequences per fast-check run. */
const CHUNK = 10_000;

/** What a listener rule does to the breaker it listens to (the model has the same methods). */
type Action = 'forceOpen' | 'close' | 'disable' | 'reset' | 'openFor';

interface Controls {
  forceOpen(): void;
  close(): void;
  disable(): void;
  reset(): void;
  openFor(ms: number): void;
}

/** A listener that changes state: on a transition to `on`, or on an outcome or rejection event. */
interface ListenerRule {
  readonly on: CircuitState | 'success' | 'failure' | 'reject';
  readonly action: Action;
  readonly ms: number;
}

interface Scenario {
  readonly config: ModelConfig;
  readonly manual: boolean;
  readonly restarts: boolean;
  readonly rules: readonly ListenerRule[];
  readonly throwingListener: boolean;
}

function act(target: Controls, rule: ListenerRule): void {
  if (rule.action === 'openFor') target.openFor(rule.ms);
  else target[rule.action]();
}

/**
 * The listener rules as one function of an event, run the same way for the breaker and for the model: a
 * rule acts at most once per event, and not from inside another rule's action (else two rules could
 * ping-pong forever).
 */
function ruleRunner(
  rules: readonly ListenerRule[],
  target: () => Controls,
  acted: () => void = () => {},
): (type: string, to?: CircuitState) => void {
  let busy = false;
  return (type, to) => {
    for (const rule of rules) {
      if (busy || rule.on !== (type === 'stateChange' ? to : type)) continue;
      busy = true;
      try {
        act(target(), rule);
        acted();
      } finally {
        busy = false;
      }
    }
  };
}

type Op = 'acquire' | 'admit' | 'settle' | 'resettle' | 'advance' | 'read' | 'control' | 'restart';

/** 32 slots: an encoded operation's low five bits pick one, the rest is its argument. */
const OP_SLOTS: readonly Op[] = (
  [
    ['acquire', 8],
    ['admit', 3],
    ['settle', 10],
    ['resettle', 1],
    ['advance', 5],
    ['read', 1],
    ['control', 3],
    ['restart', 1],
  ] as const
).flatMap(([op, n]) => Array<Op>(n).fill(op));

const OUTCOMES: readonly ModelOutcome[] = ['success', 'failure', 'ignore', 'failure'];

interface HeldCall {
  readonly permit: Permit;
  readonly model: ModelCall;
  /** The breaker's transitions when it was admitted (its generation, as the test counts it). */
  readonly generation: number;
}

/** Totals the report quotes. */
const totals = { sequences: 0, steps: 0, transitions: 0, restarts: 0, listenerActions: 0 };

const METRIC_KEYS = [
  'state',
  'successCount',
  'failureCount',
  'ignoredCount',
  'rejectedCount',
  'timeoutCount',
  'stateChanges',
  'inFlight',
  'retryAfterMs',
] as const satisfies ReadonlyArray<keyof ModelMetrics>;
const WINDOW_KEYS = ['consecutiveFailures', 'failureRate', 'slowCallRate', 'bufferedCalls'] as const;

function near(a: unknown, b: unknown): boolean {
  return a === b || (typeof a === 'number' && typeof b === 'number' && Math.abs(a - b) < 1e-9);
}

/**
 * One sequence; throws at the first step where the breaker and the model disagree. `modelConfig` (default:
 * the breaker's) lets the self-test give the model a different one.
 */
function runSequence(scenario: Scenario, encoded: readonly number[], modelConfig?: ModelConfig): void {
  const { config } = scenario;
  const tallied = modelConfig === undefined;
  const clock = createTestClock();
  const failAt = (step: number, what: string, real: unknown, model: unknown): never => {
    throw new Error(`step ${step}: ${what}: breaker ${String(real)}, model ${String(model)}`);
  };
  let listenerErrors = 0;
  const options = {
    telemetry: { enabled: false },
    clock,
    resetTimeout: config.resetTimeout,
    halfOpenMaxCalls: config.halfOpenMaxCalls,
    onListenerError: () => {
      listenerErrors++;
    },
    ...(config.halfOpenTimeout !== undefined ? { halfOpenTimeout: config.halfOpenTimeout } : {}),
    ...(config.failureThreshold !== undefined ? { failureThreshold: config.failureThreshold } : {}),
    ...(config.window === undefined
      ? {}
      : {
          window: { type: 'count', size: config.window.size } as const,
          failureRateThreshold: config.window.failureRateThreshold,
          ...(config.window.minimumCalls !== undefined ? { minimumCalls: config.window.minimumCalls } : {}),
          ...(config.window.slowCallDuration !== undefined
            ? { slowCallDuration: config.window.slowCallDuration }
            : {}),
          ...(config.window.slowCallRateThreshold !== undefined
            ? { slowCallRateThreshold: config.window.slowCallRateThreshold }
            : {}),
        }),
  };

  let breaker!: CircuitBreaker;
  let model!: BreakerModel;
  let realEvents: Array<{ from: string; to: string; reason: string }> = [];
  let modelEvents: Array<{ from: string; to: string; reason: string }> = [];
  let modelThrows = 0;
  let held: HeldCall[] = [];
  let transitions = 0;
  let restarts = 0;
  const settled: Permit[] = [];

  let actions = 0;
  const realRules = ruleRunner(
    scenario.rules,
    () => breaker,
    () => actions++,
  );
  const modelRules = ruleRunner(scenario.rules, () => model);
  const listen = (b: CircuitBreaker) => {
    b.on('stateChange', (e) => {
      realEvents.push({ from: e.from, to: e.to, reason: e.reason });
    });
    if (scenario.rules.length > 0) {
      b.on('stateChange', (e) => realRules('stateChange', e.to));
      for (const type of ['success', 'failure', 'reject'] as const) {
        if (scenario.rules.some((r) => r.on === type)) b.on(type, () => realRules(type));
      }
    }
    if (scenario.throwingListener) {
      b.on('stateChange', () => {
        throw new Error('listener failed');
      });
    }
  };
  const modelHooks = {
    now: () => clock.now(),
    rejectsAfterListenerReopen: !PENDING.listenerReopen,
    emit: (e: ModelEvent) => {
      if (e.type === 'stateChange') {
        modelEvents.push({ from: e.from, to: e.to, reason: e.reason });
        modelRules('stateChange', e.to);
        if (scenario.throwingListener) modelThrows++;
      } else {
        modelRules(e.type);
      }
    },
  };

  const start = (from?: { json: unknown; snapshot: ModelSnapshot }) => {
    breaker = new CircuitBreaker({
      ...options,
      ...(from === undefined ? {} : { initialState: from.json as never }),
    });
    realEvents = [];
    modelEvents = [];
    model = new BreakerModel(modelConfig ?? config, modelHooks, from?.snapshot);
    listen(breaker);
  };
  start();

  const compare = (step: number, m: BreakerMetrics) => {
    const e = model.metrics();
    for (const key of METRIC_KEYS) if (!near(m[key], e[key])) failAt(step, key, m[key], e[key]);
    for (const key of WINDOW_KEYS) if (!near(m[key], e[key])) failAt(step, key, m[key], e[key]);
    if (realEvents.length !== modelEvents.length) {
      failAt(step, 'transitions', JSON.stringify(realEvents), JSON.stringify(modelEvents));
    }
    for (let i = 0; i < realEvents.length; i++) {
      const r = realEvents[i];
      const x = modelEvents[i];
      if (r?.from !== x?.from || r?.to !== x?.to || r?.reason !== x?.reason) {
        failAt(step, `transition ${i}`, JSON.stringify(r), JSON.stringify(x));
      }
    }
    if (listenerErrors !== modelThrows) failAt(step, 'listener errors reported', listenerErrors, modelThrows);
    // The half_open bound, from the permits the test holds: trials of this generation.
    if (m.state === 'half_open') {
      const trials = held.filter((c) => c.permit.trial && c.generation === realEvents.length).length;
      if (trials > config.halfOpenMaxCalls) failAt(step, 'trials in flight', trials, config.halfOpenMaxCalls);
    }
  };

  for (let step = 0; step < encoded.length; step++) {
    const n = encoded[step] as number;
    const arg = n >>> 5;
    let op = OP_SLOTS[n & 31] as Op;
    if ((op === 'control' && !scenario.manual) || (op === 'restart' && !scenario.restarts)) op = 'read';
    switch (op) {
      case 'acquire':
      case 'admit': {
        const expected = model.admit();
        const got = op === 'acquire' ? breaker.tryAcquire() : breaker.admit();
        if (!('period' in expected)) {
          if (got !== undefined && !isCircuitOpenError(got)) failAt(step, 'admitted', true, expected.kind);
          if (isCircuitOpenError(got)) {
            if (got.kind !== expected.kind) failAt(step, 'rejection kind', got.kind, expected.kind);
            if (got.state !== expected.state) failAt(step, 'rejection state', got.state, expected.state);
            if (!near(got.retryAfterMs, expected.retryAfterMs))
              failAt(step, 'rejection retryAfterMs', got.retryAfterMs, expected.retryAfterMs);
          }
          break;
        }
        if (got === undefined || isCircuitOpenError(got)) {
          failAt(step, 'admitted', got === undefined ? 'rejected' : got.kind, 'admitted');
          break;
        }
        if (got.trial !== expected.trial) failAt(step, 'trial', got.trial, expected.trial);
        held.push({ permit: got, model: expected, generation: realEvents.length });
        break;
      }
      case 'settle': {
        if (held.length === 0) break;
        const [call] = held.splice((arg >>> 2) % held.length, 1) as [HeldCall];
        let outcome = OUTCOMES[arg & 3] as ModelOutcome;
        // While issue 13 item 3 is pending (slow trials count as plain successes), a slow trial is released
        // instead: its verdict is that fix's to define.
        if (PENDING.slowTrials && outcome === 'success' && call.model.trial && model.isSlow(call.model)) {
          outcome = 'ignore';
        }
        model.settle(call.model, outcome);
        if (outcome === 'success') call.permit.success();
        else if (outcome === 'ignore') call.permit.ignore();
        else if ((arg & 3) === 3) call.permit.failure(503);
        else call.permit.failure(new Error('boom'));
        if (!call.permit.settled) failAt(step, 'settled', false, true);
        settled.push(call.permit);
        if (settled.length > 16) settled.shift();
        break;
      }
      case 'resettle': {
        // A permit settles once: a second verdict must change nothing (compare() checks it).
        const permit = settled[arg % Math.max(1, settled.length)];
        if (arg & 1) permit?.failure(new Error('again'));
        else permit?.success();
        break;
      }
      case 'advance':
        clock.advance(arg % 61);
        break;
      case 'read': {
        const real = breaker.state;
        const expected = model.current();
        if (real !== expected) failAt(step, 'state (read)', real, expected);
        break;
      }
      case 'control': {
        const ms = arg % 101;
        const which = (arg >>> 7) % 5;
        const target = (t: Controls) => {
          if (which === 4) t.openFor(ms);
          else t[(['forceOpen', 'disable', 'close', 'reset'] as const)[which] as 'close']();
        };
        target(breaker);
        target(model);
        break;
      }
      case 'restart': {
        const json = breaker.toJSON();
        const snapshot = model.snapshot();
        compare(step, breaker.getMetrics());
        if (json.state !== snapshot.state) failAt(step, 'toJSON state', json.state, snapshot.state);
        if (!near(json.retryAfterMs, snapshot.retryAfterMs))
          failAt(step, 'toJSON retryAfterMs', json.retryAfterMs, snapshot.retryAfterMs);
        const counts = json.counts;
        const real = [
          counts.success,
          counts.failure,
          counts.ignored,
          counts.rejected,
          counts.timeout,
          counts.stateChanges,
        ];
        if (real.join() !== snapshot.counts.join())
          failAt(step, 'toJSON counts', real.join(), snapshot.counts.join());
        if (json.consecutiveFailures !== snapshot.consecutiveFailures)
          failAt(step, 'toJSON consecutiveFailures', json.consecutiveFailures, snapshot.consecutiveFailures);
        const w = json.window?.type === 'count' ? json.window.outcomes?.join() : undefined;
        if (w !== snapshot.window?.join()) failAt(step, 'toJSON window', w, snapshot.window?.join());
        // The calls in flight die with the old process; the new breaker starts with none.
        held = [];
        transitions += realEvents.length;
        restarts++;
        start({ json: JSON.parse(JSON.stringify(json)), snapshot });
        break;
      }
    }
    compare(step, breaker.getMetrics());
  }
  if (!tallied) return;
  totals.sequences++;
  totals.steps += encoded.length;
  totals.transitions += transitions + realEvents.length;
  totals.restarts += restarts;
  totals.listenerActions += actions;
}

// ---------------------------------------------------------------------------------------------------
// Generators

const STATE_RULE_TARGETS: readonly CircuitState[] = [
  'closed',
  'open',
  'half_open',
  'forced_open',
  'disabled',
];

const ruleArb: fc.Arbitrary<ListenerRule> = fc
  .record({
    on: fc.constantFrom<ListenerRule['on']>(...STATE_RULE_TARGETS, 'success', 'failure', 'reject'),
    action: fc.constantFrom<Action>('forceOpen', 'close', 'disable', 'reset', 'openFor'),
    ms: fc.integer({ min: 1, max: 100 }),
  })
  // While issue 13 item 1 is pending, no listener re-opens the circuit as it half-opens.
  .filter((r) => !(PENDING.listenerReopen && r.on === 'half_open' && r.action === 'openFor'));

const optional = (min: number, max: number) => fc.option(fc.integer({ min, max }), { nil: undefined });

/** The window's rules; a `minimumCalls` above the size is clamped (the breaker refuses it). */
const windowArb: fc.Arbitrary<ModelWindowConfig> = fc
  .tuple(
    fc.integer({ min: 1, max: 8 }),
    optional(1, 8),
    fc.integer({ min: 1, max: 100 }),
    optional(1, 50),
    optional(1, 100),
  )
  .map(([size, minimum, rate, slowMs, slowRate]) => ({
    size,
    minimumCalls: minimum === undefined ? undefined : Math.min(minimum, size),
    failureRateThreshold: rate,
    slowCallDuration: slowMs,
    slowCallRateThreshold: slowMs === undefined ? undefined : slowRate,
  }));

/** Breaker configs: the consecutive rule alone, or a count window (with the consecutive rule or not). */
function configArb(windowed: boolean): fc.Arbitrary<ModelConfig> {
  return fc
    .tuple(
      fc.integer({ min: 1, max: 100 }),
      fc.integer({ min: 1, max: 3 }),
      optional(1, 200),
      windowed ? optional(1, 5) : fc.integer({ min: 1, max: 5 }),
      windowed ? windowArb : fc.constant(undefined),
    )
    .map(([resetTimeout, halfOpenMaxCalls, halfOpenTimeout, failureThreshold, window]) => ({
      resetTimeout,
      halfOpenMaxCalls,
      halfOpenTimeout,
      failureThreshold,
      window,
    }));
}

const consecutiveConfig = configArb(false);
const windowConfig = configArb(true);

const scenarioArb = (config: fc.Arbitrary<ModelConfig>): fc.Arbitrary<Scenario> =>
  fc.record({
    config,
    manual: fc.boolean(),
    restarts: fc.boolean(),
    rules: fc.array(ruleArb, { maxLength: 3 }),
    throwingListener: fc.boolean(),
  });

/** Operations as integers (fast to make and to shrink: toward fewer, and toward acquire). */
const opsArb = fc.array(fc.nat({ max: 0xffff }), { minLength: 1, maxLength: 60, size: 'max' });

describe('model check: the breaker agrees with the reference model', () => {
  afterAll(() => {
    console.log(`[model] seed ${SEED}`, JSON.stringify(totals));
  });

  it.each([
    ['the consecutive rule', consecutiveConfig],
    ['a count window with failure-rate and slow-call rules', windowConfig],
  ] as const)(
    `${RUNS} sequences under %s`,
    async (_, config) => {
      // In chunks with a turn of the event loop between them: one synchronous run of minutes starves the
      // test worker's RPC (vitest then reports a timeout). Chunk k uses seed SEED + k; a failure names it.
      const property = fc.property(scenarioArb(config), opsArb, (s, ops) => runSequence(s, ops));
      for (let k = 0, done = 0; done < RUNS; k++, done += CHUNK) {
        fc.assert(property, { numRuns: Math.min(CHUNK, RUNS - done), seed: SEED + k });
        await new Promise((resolve) => setImmediate(resolve));
      }
    },
    600_000,
  );

  it('has teeth: a model whose resetTimeout is 1 ms longer disagrees', () => {
    const wrong = fc.check(
      fc.property(scenarioArb(consecutiveConfig), opsArb, (s, ops) =>
        runSequence(s, ops, { ...s.config, resetTimeout: s.config.resetTimeout + 1 }),
      ),
      { numRuns: 1_000, seed: SEED },
    );
    expect(wrong.failed).toBe(true);
  });

  if (PENDING.listenerReopen) {
    // Repro: see PENDING.listenerReopen; set it to false once issue 13 item 1 is fixed in core.
    it.todo('a listener that re-opens the circuit as an admission half-opens it gets that call rejected');
  }
  if (PENDING.slowTrials) {
    // See PENDING.slowTrials; once issue 13 item 3 defines the verdict of a slow trial, model it and drop the flag.
    it.todo('a slow half_open trial is judged by the slow-call rule');
  }
});
