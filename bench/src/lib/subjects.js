// @ts-check
/**
 * The functions under test and the three libraries' breakers, built the same way in every group so the
 * tables compare like with like.
 */
import { CircuitBreaker } from '@tripswitch/core';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  CountBreaker,
  circuitBreaker,
  handleAll,
  IsolatedCircuitError,
  SamplingBreaker,
} from 'cockatiel';
import Opossum from 'opossum';

/** The protected call: an async function that resolves at once. */
export async function ok() {
  return 1;
}

/** Allocated once, so the failing floor and every failing case pay for no `new Error` of their own. */
export const BOOM = new Error('boom');

/** The failing call: an async function that rejects with the pre-allocated error. */
export async function failing() {
  throw BOOM;
}

export function noop() {}

/**
 * Wraps a call that may reject in `try { await call() } catch {}`: the failing floor and every case that
 * fails or is rejected are measured through the same wrapper, so they differ only by the breaker.
 */
export function catching(call) {
  return async () => {
    try {
      await call();
    } catch {}
  };
}

/** An hour: long enough that nothing half-opens during a run. */
export const HOUR = 3_600_000;

/** Enough to never be reached in a benchmark. */
export const NEVER = Number.MAX_SAFE_INTEGER;

export function tripswitch(options = {}) {
  return new CircuitBreaker({ name: 'bench', ...options });
}

export function opossum(action, options = {}) {
  return new Opossum(action, options);
}

export function cockatiel(breaker, halfOpenAfter = HOUR) {
  return circuitBreaker(handleAll, { halfOpenAfter, breaker });
}

export { BrokenCircuitError, ConsecutiveBreaker, CountBreaker, IsolatedCircuitError, SamplingBreaker };

/** Throws unless `promise` rejects with an error that `test` accepts: a case must measure what it says. */
export async function expectRejection(promise, test, what) {
  try {
    await promise;
  } catch (error) {
    if (test(error)) return;
    throw new Error(`${what}: rejected with an unexpected ${error?.constructor?.name}: ${error?.message}`);
  }
  throw new Error(`${what}: did not reject`);
}
