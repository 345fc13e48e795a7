import type { Middleware } from 'koa';

// The shared test helpers live in the testkit; this module keeps the adapter's tests' imports short.
export { deferred } from '../../testkit/src/deferred.js';
export { listen, type TestServer } from '../../testkit/src/listen.js';

/**
 * An outer middleware that pushes every error thrown below it onto `errors` and rethrows it, leaving the
 * answer to Koa's own error handling.
 */
export function recordErrors(errors: unknown[]): Middleware {
  return async function recordErrors(_ctx, next) {
    try {
      await next();
    } catch (error) {
      errors.push(error);
      throw error;
    }
  };
}
