// `npm run smoke`: runs the scenario against real local upstreams and checks every step.
import assert from 'node:assert/strict';
import { runScenario } from './scenario.js';

const o = await runScenario(() => {});

assert.deepEqual(o.stockStatuses, [500, 500, 500]);
assert.equal(o.stockBreaker, 'open');
assert.match(o.rejection.name, /^http:\/\/127\.0\.0\.1:\d+$/);
assert.ok(o.rejection.retryAfterMs > 0 && o.rejection.retryAfterMs <= 1000, `${o.rejection.retryAfterMs}`);
assert.equal(o.rejection.requestsSent, 0, 'an open breaker sends nothing');
assert.equal(o.pricesWhileStockOpen, 200);
assert.equal(o.stockAfterRecovery, 200);
assert.equal(o.stockBreakerAfterRecovery, 'closed');
assert.equal(o.reviewsRejected, true);
assert.ok(o.reviewsRetryAfterMs > 29_000 && o.reviewsRetryAfterMs <= 30_000, `${o.reviewsRetryAfterMs}`);
console.log(
  'fetch-client smoke: ok (per-origin breakers on fetch, fail fast, recovery, undici interceptor, Retry-After)',
);
