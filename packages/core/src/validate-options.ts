import type { CircuitBreakerOptions } from './options.js';
import { resolveOptions } from './options.js';
import { checkSnapshot } from './snapshot.js';

/**
 * Checks breaker options exactly as the {@link CircuitBreaker} constructor does, without creating a
 * breaker. Adapters that create their breakers lazily (one per route, on the first request) call it in
 * their factory, so a bad option fails at startup instead of on the first request.
 *
 * @throws TypeError or RangeError naming the option and the bad value.
 * @example
 * ```ts
 * validateBreakerOptions({ failureThreshold: 3 }); // fine
 * validateBreakerOptions({ failureThreshold: 0 }); // RangeError: failureThreshold must be an integer >= 1, got 0
 * ```
 */
export function validateBreakerOptions(options: CircuitBreakerOptions<unknown>): void {
  resolveOptions(options);
  if (options.initialState != null) checkSnapshot(options.initialState);
}
