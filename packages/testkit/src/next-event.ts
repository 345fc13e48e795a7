import type { BreakerEventMap, BreakerEventName, CircuitBreaker } from '@tripswitch/core';

/** Resolves with the payload of the breaker's next `event`, and stops listening. */
export function nextEvent<E extends BreakerEventName>(
  b: CircuitBreaker<unknown>,
  event: E,
): Promise<BreakerEventMap[E]> {
  return new Promise((resolve) => {
    const off = b.on(event, (payload) => {
      off();
      resolve(payload);
    });
  });
}
