import type { CircuitBreaker, StateChangeEvent, Unsubscribe } from '@tripswitch/core';
import type { CoordinationMessage } from './message.js';
import { toTraceparent } from './message.js';

/** The reason of transitions coordination makes; such a transition is never published again. */
export const REMOTE = 'remote';

/** @internal what a coordinated breaker needs from its coordinator. */
export interface Fleet {
  readonly instanceId: string;
  readonly trialLease: number;
  readonly commandTimeout: number;
  readonly connected: boolean;
  /** The escaped key of the trial lease of a breaker. */
  trialKey(name: string): string;
  acquire(key: string): Promise<boolean | undefined>;
  release(key: string): void;
  publish(message: CoordinationMessage): void;
}

/** Where this replica is in the race for the fleet's trial slot, for the current open period. */
type Race =
  | { readonly phase: 'idle' }
  | { readonly phase: 'racing'; readonly until: number }
  | { readonly phase: 'won' }
  | { readonly phase: 'lost'; readonly until: number }
  /** Redis did not answer: this open period half-opens locally, as without coordination. */
  | { readonly phase: 'local' };

const IDLE: Race = Object.freeze({ phase: 'idle' });
const WON: Race = Object.freeze({ phase: 'won' });
const LOCAL: Race = Object.freeze({ phase: 'local' });
/** How long after a closed verdict the winner keeps its lease, so that late racers still lose. */
const VERDICT_GRACE_MS = 500;

/**
 * @internal One breaker under coordination: publishes its local opens and trial verdicts, and gates its
 * half_open on the fleet's trial race. Everything here runs beside the calls, never on their path: the
 * gate is asked only when an open period is over, and answers from local state.
 */
export class CoordinatedBreaker {
  private race: Race = IDLE;
  /** Bumped whenever the race restarts, so a late Redis answer for an old race is ignored. */
  private round = 0;
  /** Whether this replica holds the trial lease in Redis. */
  private holding = false;
  private graceTimer: NodeJS.Timeout | undefined;
  private readonly disposers: Unsubscribe[];

  constructor(
    readonly breaker: CircuitBreaker<unknown>,
    private readonly fleet: Fleet,
  ) {
    this.disposers = [
      breaker.on('stateChange', (event) => this.changed(event)),
      breaker.gateTrials(() => this.gate()),
    ];
  }

  /** A new open period began elsewhere (a remote open that only extended ours has no transition). */
  restart(): void {
    this.race = IDLE;
    this.round++;
  }

  dispose(): void {
    for (const dispose of this.disposers) dispose();
    clearTimeout(this.graceTimer);
    this.restart();
  }

  /** The {@link TrialGate}: 0 lets this replica probe; otherwise how long to keep rejecting. */
  private gate(): number {
    if (!this.fleet.connected) {
      this.race = IDLE;
      return 0;
    }
    const race = this.race;
    const now = Date.now();
    switch (race.phase) {
      case 'won':
      case 'local':
        return 0;
      case 'racing':
        if (now < race.until) return race.until - now;
        this.race = LOCAL;
        return 0;
      case 'lost':
        if (now < race.until) return race.until - now;
        return this.enter(now);
      default:
        return this.enter(now);
    }
  }

  /** Starts a race for the trial slot; the gate holds the circuit open until Redis answers. */
  private enter(now: number): number {
    const round = ++this.round;
    const until = now + this.fleet.commandTimeout;
    this.race = { phase: 'racing', until };
    const key = this.fleet.trialKey(this.breaker.name);
    void this.fleet.acquire(key).then((won) => {
      if (round !== this.round) {
        if (won === true) this.fleet.release(key);
        return;
      }
      if (won === undefined) {
        this.race = LOCAL;
      } else if (won) {
        this.race = WON;
        this.holding = true;
        // Reading the state performs the due open → half_open step now, not on the next call.
        void this.breaker.state;
      } else {
        // The winner holds the slot for at most a lease; if its verdict never comes, race again then.
        this.race = { phase: 'lost', until: Date.now() + this.fleet.trialLease };
      }
    });
    return until - now;
  }

  private changed(event: StateChangeEvent): void {
    this.restart();
    if (event.to === 'open' && this.holding) this.releaseLease(0);
    if (event.reason === REMOTE) return;
    const { name } = this.breaker;
    const origin = this.fleet.instanceId;
    const traceparent = toTraceparent(event.spanContext);
    if (event.to === 'open') {
      const remainingMs = this.breaker.getMetrics().retryAfterMs;
      this.fleet.publish({
        v: 1,
        type: 'open',
        name,
        remainingMs,
        reason: event.reason,
        origin,
        ...tp(traceparent),
      });
    } else if (event.to === 'closed' && event.from === 'half_open' && event.reason === 'trial_succeeded') {
      this.fleet.publish({
        v: 1,
        type: 'closed',
        name,
        reason: 'trial_succeeded',
        origin,
        ...tp(traceparent),
      });
      if (this.holding) this.releaseLease(VERDICT_GRACE_MS);
    }
  }

  private releaseLease(afterMs: number): void {
    this.holding = false;
    clearTimeout(this.graceTimer);
    const key = this.fleet.trialKey(this.breaker.name);
    if (afterMs === 0) {
      this.fleet.release(key);
      return;
    }
    this.graceTimer = setTimeout(() => this.fleet.release(key), afterMs);
    this.graceTimer.unref();
  }
}

function tp(traceparent: string | undefined): { traceparent?: string } {
  return traceparent === undefined ? {} : { traceparent };
}
