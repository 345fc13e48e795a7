import { diag } from '@opentelemetry/api';
import { checkCount, checkOptions, show } from './check.js';
import type { BreakerMetrics } from './circuit-breaker.js';
import { CircuitBreaker } from './circuit-breaker.js';
import { differingOptions } from './differing-options.js';
import type { Unsubscribe } from './events.js';
import { type CircuitBreakerOptions, checkTelemetry, type TelemetryOptions } from './options.js';
import { sharedGlobal } from './shared-global.js';

/** Options of {@link BreakerRegistry}. */
export interface BreakerRegistryOptions {
  /**
   * The most breakers kept. Past it, the least recently used idle breakers (no call in flight) are
   * evicted, so breakers keyed by user-controlled values cannot grow memory without bound. Busy breakers
   * are never evicted: while they are busy the registry may hold more, and it shrinks back to the limit
   * once their calls finish (at the next new breaker, or spread over the next lookups).
   * @defaultValue 10000
   */
  readonly maxBreakers?: number;
  /** Telemetry settings for the breakers this registry creates (a breaker's own `telemetry` wins). */
  readonly telemetry?: TelemetryOptions;
  /**
   * What `get()` does when a breaker of that name exists and it is given different options (which it
   * cannot apply): `'warn'` says so through `console.warn`, once per name; `'throw'` throws a `TypeError`.
   * @defaultValue 'warn'
   */
  readonly onConflict?: 'warn' | 'throw';
}

const REGISTRY_OPTIONS: ReadonlySet<string> = new Set(['maxBreakers', 'telemetry', 'onConflict']);

interface Entry {
  readonly breaker: CircuitBreaker<unknown>;
  /** The options object it was created with; a different one on a later get() is compared once. */
  readonly options: object | undefined;
  /** Options objects of later get() calls already compared (equal, or reported): not compared again. */
  compared: WeakSet<object> | undefined;
  /** Set on use, cleared by the eviction sweep: a second chance, so eviction is approximately LRU in O(1). */
  used: boolean;
}

/**
 * Breakers by name: `get()` creates a breaker on first use and returns the same instance after, so every
 * part of an app that names the same dependency shares one breaker.
 *
 * @example
 * ```ts
 * const registry = new BreakerRegistry({ maxBreakers: 1000 });
 * const payments = registry.get('payments', { failureThreshold: 3 });
 * console.log(registry.snapshot().payments.state);
 * ```
 */
export class BreakerRegistry {
  /** The limit on breakers kept. */
  readonly maxBreakers: number;
  private readonly telemetry: TelemetryOptions | undefined;
  private readonly onConflict: 'warn' | 'throw';
  private readonly entries = new Map<string, Entry>();
  /** Lookups since the last sweep while over the limit: a sweep costs O(size), so it runs once per `size`. */
  private overLimitLookups = 0;
  /** Listeners of {@link onCreate}; copied on write, `undefined` when there are none (no cost on get()). */
  private createListeners: ReadonlyArray<(breaker: CircuitBreaker<unknown>) => void> | undefined;

  /**
   * @throws TypeError for options that are not an object, an unknown option, or a bad `telemetry` or
   * `onConflict`; RangeError when `maxBreakers` is not an integer >= 1.
   */
  constructor(options: BreakerRegistryOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(`registry options must be an object, got ${show(options)}`);
    }
    const o = checkOptions('registry options', options, REGISTRY_OPTIONS) as BreakerRegistryOptions;
    this.maxBreakers = checkCount('maxBreakers', o.maxBreakers ?? 10_000);
    this.telemetry = o.telemetry === undefined ? undefined : checkTelemetry(o.telemetry);
    const onConflict = o.onConflict ?? 'warn';
    if (onConflict !== 'warn' && onConflict !== 'throw') {
      throw new TypeError(`onConflict must be 'warn' or 'throw', got ${show(onConflict)}`);
    }
    this.onConflict = onConflict;
  }

  /**
   * The breaker called `name`, created with `options` on first use. Later calls return the same breaker
   * and cannot apply `options`: different ones are reported by `onConflict` (a `console.warn` once per
   * name, by default).
   * @throws TypeError or RangeError for invalid options (on creation), or a `name` that is not a non-empty
   * string; TypeError for different options with `onConflict: 'throw'`.
   */
  get<TFallback = never>(
    name: string,
    options?: Omit<CircuitBreakerOptions<TFallback>, 'name'>,
  ): CircuitBreaker<TFallback> {
    const entry = this.entries.get(name);
    if (entry !== undefined) {
      entry.used = true;
      if (options !== entry.options && options !== undefined) this.checkSameOptions(name, entry, options);
      if (this.entries.size > this.maxBreakers) this.shrinkLater(name);
      return entry.breaker as CircuitBreaker<TFallback>;
    }
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(`breaker name must be a non-empty string, got ${show(name)}`);
    }
    const merged: CircuitBreakerOptions<TFallback> =
      options?.telemetry === undefined && this.telemetry !== undefined
        ? { ...options, name, telemetry: this.telemetry }
        : { ...options, name };
    const breaker = new CircuitBreaker<TFallback>(merged);
    if (this.entries.size >= this.maxBreakers)
      this.evict(this.entries.size - this.maxBreakers + 1, undefined);
    this.entries.set(name, {
      breaker: breaker as CircuitBreaker<unknown>,
      options,
      compared: undefined,
      used: false,
    });
    if (this.createListeners !== undefined) this.announce(breaker as CircuitBreaker<unknown>);
    return breaker;
  }

  /**
   * Calls `listener` with every breaker this registry creates from now on (after it is stored, before
   * `get()` returns it), so a component that watches every breaker (fleet coordination, a status page)
   * also sees breakers created later. Existing breakers are not replayed: iterate {@link all} for those.
   * A listener that throws is reported through `diag` and never breaks `get()`.
   *
   * @returns a function that unsubscribes; calling it again does nothing.
   * @throws TypeError when `listener` is not a function.
   * @example
   * ```ts
   * const stop = registry.onCreate((breaker) => breaker.on('stateChange', log));
   * ```
   */
  onCreate(listener: (breaker: CircuitBreaker<unknown>) => void): Unsubscribe {
    if (typeof listener !== 'function') {
      throw new TypeError(`onCreate(listener) needs a function, got ${show(listener)}`);
    }
    this.createListeners = [...(this.createListeners ?? []), listener];
    let active = true;
    return () => {
      if (!active) return;
      active = false;
      // Removes this subscription only: the same function subscribed twice has two disposers.
      const rest = [...(this.createListeners ?? [])];
      const i = rest.indexOf(listener);
      if (i !== -1) rest.splice(i, 1);
      this.createListeners = rest.length > 0 ? rest : undefined;
    };
  }

  private announce(breaker: CircuitBreaker<unknown>): void {
    for (const listener of this.createListeners ?? []) {
      try {
        listener(breaker);
      } catch (error) {
        diag.error(`tripswitch: an onCreate listener threw for breaker "${breaker.name}"`, error);
      }
    }
  }

  /**
   * Two parts of an app asking for one name with different options get one breaker with the first
   * options: a silent drop would leave one of them with thresholds it never asked for. Options equal as
   * data (a fresh `window` object with the same size) are no conflict.
   */
  private checkSameOptions(name: string, entry: Entry, options: object): void {
    if (entry.compared?.has(options)) return;
    const differs = differingOptions(entry.options, options);
    if (differs.length === 0 || this.onConflict === 'warn') {
      // An adapter passes the same object on every request: compare it once.
      entry.compared ??= new WeakSet();
      entry.compared.add(options);
    }
    if (differs.length === 0) return;
    const message =
      `breaker "${name}" already exists; get() was given different options (${differs.join(', ')}), ` +
      'which cannot apply: the breaker keeps the options it was created with';
    if (this.onConflict === 'throw') throw new TypeError(message);
    if (this.warned.has(name)) return;
    this.warned.add(name);
    console.warn(`[tripswitch] ${message}`);
  }

  private readonly warned = new Set<string>();

  /** True when a breaker called `name` exists. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Every breaker, oldest first. */
  all(): CircuitBreaker<unknown>[] {
    return Array.from(this.entries.values(), (e) => e.breaker);
  }

  /** Forgets the breaker called `name` (its status metric disappears too); true if there was one. */
  remove(name: string): boolean {
    const entry = this.entries.get(name);
    if (entry === undefined) return false;
    this.entries.delete(name);
    entry.breaker._telemetry?.dispose();
    return true;
  }

  /** Resets every breaker (closed, counts zeroed). */
  resetAll(): void {
    for (const entry of this.entries.values()) entry.breaker.reset();
  }

  /** `getMetrics()` of every breaker, by name. */
  snapshot(): Record<string, BreakerMetrics> {
    const out: Record<string, BreakerMetrics> = {};
    for (const [name, entry] of this.entries) out[name] = entry.breaker.getMetrics();
    return out;
  }

  /** How many breakers the registry holds. */
  get size(): number {
    return this.entries.size;
  }

  /**
   * Over the limit (breakers were busy when others came in): sweep again once per `size` lookups, so a
   * registry shrinks back to its limit once the calls finish even if no new name comes, at O(1) amortised.
   */
  private shrinkLater(keep: string): void {
    if (++this.overLimitLookups < this.entries.size) return;
    this.overLimitLookups = 0;
    this.evict(this.entries.size - this.maxBreakers, keep);
  }

  /**
   * Second-chance sweep from the oldest entry, evicting up to `count` breakers: a used entry loses its
   * mark and moves to the back, a busy one (or `keep`, being returned) is skipped, an unmarked idle one is
   * evicted. Two passes at most; busy breakers are never evicted, so the registry may stay over its limit
   * until their calls finish.
   */
  private evict(count: number, keep: string | undefined): void {
    let left = count;
    let budget = this.entries.size * 2;
    for (const [name, entry] of this.entries) {
      if (left <= 0 || budget-- <= 0) return;
      if (name === keep || entry.breaker._inFlightCount() > 0) continue;
      if (entry.used) {
        entry.used = false;
        this.entries.delete(name);
        this.entries.set(name, entry);
        continue;
      }
      this.remove(name);
      left--;
    }
  }
}

/**
 * The registry the adapters use unless given another. One per process: the ESM and the CJS build of this
 * version share it (see `shared-global.ts`), so a breaker made through `require()` is seen from `import`.
 */
export const defaultRegistry: BreakerRegistry = sharedGlobal('defaultRegistry', () => new BreakerRegistry());

/** `defaultRegistry.get(name, options)`. */
export function getBreaker<TFallback = never>(
  name: string,
  options?: Omit<CircuitBreakerOptions<TFallback>, 'name'>,
): CircuitBreaker<TFallback> {
  return defaultRegistry.get(name, options);
}

/** `defaultRegistry.all()`. */
export function getAllBreakers(): CircuitBreaker<unknown>[] {
  return defaultRegistry.all();
}

/** `defaultRegistry.resetAll()`. */
export function resetAllBreakers(): void {
  defaultRegistry.resetAll();
}
