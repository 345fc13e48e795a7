import { show } from '../options.js';
import { type BreakerRegistry, defaultRegistry } from '../registry.js';

/**
 * Checks a `registry` option by shape (`get` and `snapshot` methods) rather than by class, so a registry
 * from another copy of `@tripswitch/core` (a second install, the CJS build beside the ESM one) is accepted.
 *
 * @param value - The option as given; `undefined` and `null` mean "not given".
 * @returns The registry, or `defaultRegistry` when none was given.
 * @throws TypeError naming the option and the value when it is not a registry.
 * @example
 * ```ts
 * const registry = checkRegistry(options.registry); // defaultRegistry when not given
 * ```
 */
export function checkRegistry(value: unknown): BreakerRegistry {
  if (value === undefined || value === null) return defaultRegistry;
  const r = value as Partial<BreakerRegistry>;
  if (typeof r.get !== 'function' || typeof r.snapshot !== 'function') {
    throw new TypeError(`registry must be a BreakerRegistry, got ${show(value)}`);
  }
  return value as BreakerRegistry;
}

/** A hook option: a function, or `undefined` when not given. @throws TypeError naming the option. */
export function checkFunction<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && value !== null && typeof value !== 'function') {
    throw new TypeError(`${option} must be a function, got ${show(value)}`);
  }
  return value ?? undefined;
}
