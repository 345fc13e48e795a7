// The core-only demo: one breaker in front of a flaky function, driven through
// closed → open → half_open → closed, printing every transition with its reason.
// Run it with `npm run demo` (which builds the packages first).
import { CircuitBreaker } from '@tripswitch/core';

const RESET_MS = 1500;
const started = performance.now();
const t = () => `${((performance.now() - started) / 1000).toFixed(2).padStart(6)}s`;
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// The dependency: healthy, then down for a while, then healthy again.
let healthy = true;
async function flakyUpstream(i) {
  await sleep(20);
  if (!healthy) throw new Error(`upstream down (request ${i})`);
  return `ok ${i}`;
}

const breaker = new CircuitBreaker({ name: 'flaky-upstream', failureThreshold: 3, resetTimeout: RESET_MS });
breaker.on('stateChange', ({ from, to, reason }) => {
  console.log(`${t()}  ⚡ ${from} → ${to}  (reason: ${reason})`);
});

async function call(i) {
  try {
    const value = await breaker.execute(() => flakyUpstream(i));
    console.log(`${t()}  ✔ ${value}`);
  } catch (error) {
    if (error.code === 'CIRCUIT_OPEN') {
      console.log(`${t()}  ✖ rejected without calling the upstream: retry in ${Math.ceil(error.retryAfterMs)} ms`);
    } else {
      console.log(`${t()}  ✖ ${error.message}`);
    }
  }
}

console.log(`tripswitch demo: failureThreshold 3, resetTimeout ${RESET_MS} ms\n`);
let i = 0;
for (; i < 3; i++) await call(i);
console.log(`${t()}  -- the upstream goes down --`);
healthy = false;
for (; i < 8; i++) await call(i);
console.log(`${t()}  -- waiting for the reset timeout while the upstream is still down --`);
await sleep(RESET_MS);
await call(i++); // a trial call: it fails, so the circuit re-opens
console.log(`${t()}  -- the upstream recovers --`);
healthy = true;
await sleep(RESET_MS);
for (let end = i + 3; i < end; i++) await call(i);

const m = breaker.getMetrics();
console.log(
  `\nfinal state: ${m.state}; ${m.successCount} successes, ${m.failureCount} failures, ` +
    `${m.rejectedCount} rejected, ${m.stateChanges} state changes`,
);
