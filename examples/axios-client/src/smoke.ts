// `npm run smoke`: runs the scenario against real local upstreams and checks every step.
import assert from 'node:assert/strict';
import { runScenario } from './scenario.js';

const o = await runScenario(() => {});

assert.deepEqual(o.firstPrice, { sku: 'TEA-1', price: 4.5 });
assert.equal(o.stockFailure, 'AxiosError 500');
assert.equal(o.stockBreakerAfterFailures, 'open');
assert.match(o.rejection.error, /^CircuitOpenError \(http:\/\/127\.0\.0\.1:\d+, retry in \d+ ms\)$/);
assert.ok(o.rejection.retryAfterMs > 1000 && o.rejection.retryAfterMs <= 2000, `${o.rejection.retryAfterMs}`);
assert.equal(o.rejection.requestsSent, 0, 'an open breaker sends nothing');
assert.deepEqual(o.priceWhileStockOpen, { sku: 'TEA-2', price: 4.5 });
assert.deepEqual(o.reviewsFallback, { reviews: [], fallback: true });
assert.deepEqual(o.stockAfterRecovery, { sku: 'TEA-3', available: 12 });
assert.equal(o.stockBreakerAfterRecovery, 'closed');
assert.deepEqual(o.priceAfterRetryAfter.value, { sku: 'TEA-3', price: 4.5 });
assert.deepEqual(o.priceAfterRetryAfter.reasons, [
  'open (retry_after)',
  'half_open (reset_timeout)',
  'closed (trial_succeeded)',
]);
assert.ok(o.priceAfterRetryAfter.waitedMs >= 900, `waited ${o.priceAfterRetryAfter.waitedMs} ms`);
console.log(
  'axios-client smoke: ok (per-origin breakers, fail fast, retry, fallback, Retry-After, recovery)',
);
