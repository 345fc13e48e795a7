import { BreakerRegistry } from '@tripswitch/core';
import { breakerInterceptor, isCircuitOpenError, withBreaker } from '@tripswitch/fetch';
import { Agent, request } from 'undici';
import { startUpstream } from './upstreams.js';

/** What the scenario saw at each step, for the smoke test to check. */
export interface Outcome {
  stockStatuses: number[];
  stockBreaker: string;
  rejection: { name: string; retryAfterMs: number; requestsSent: number };
  pricesWhileStockOpen: number;
  stockAfterRecovery: number;
  stockBreakerAfterRecovery: string;
  reviewsRejected: boolean;
  reviewsRetryAfterMs: number;
}

/** Runs the scenario against real local upstreams; `say` narrates it. */
export async function runScenario(say: (line: string) => void): Promise<Outcome> {
  const [stock, prices, reviews] = await Promise.all([startUpstream(), startUpstream(), startUpstream()]);
  const registry = new BreakerRegistry();
  // The global fetch, one breaker per origin: a failing stock service does not stop prices.
  const guarded = withBreaker(fetch, { registry, failureThreshold: 3, resetTimeout: 1000 });
  const get = async (url: string) => {
    const response = await guarded(url, { signal: AbortSignal.timeout(2000) });
    await response.arrayBuffer();
    return response.status;
  };
  try {
    stock.status = 500;
    const stockStatuses = [
      await get(`${stock.url}/items/1`),
      await get(`${stock.url}/items/2`),
      await get(`${stock.url}/items/3`),
    ];
    const stockBreaker = registry.get(stock.url).state;
    say(`- stock answered ${stockStatuses.join(', ')}: its breaker is ${stockBreaker}`);

    const before = stock.received;
    const error = await get(`${stock.url}/items/4`).catch((e: unknown) => e);
    if (!isCircuitOpenError(error)) throw new Error(`expected a rejection, got ${String(error)}`);
    const rejection = {
      name: error.breakerName,
      retryAfterMs: error.retryAfterMs,
      requestsSent: stock.received - before,
    };
    say(`- stock again: rejected by ${rejection.name} at once, ${rejection.requestsSent} requests sent`);
    const pricesWhileStockOpen = await get(`${prices.url}/prices/1`);
    say(`- prices meanwhile (another origin, another breaker): ${pricesWhileStockOpen}`);

    stock.status = 200;
    say('- stock is back; waiting out the 1 s reset timeout…');
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const stockAfterRecovery = await get(`${stock.url}/items/1`);
    const stockBreakerAfterRecovery = registry.get(stock.url).state;
    say(`- stock: ${stockAfterRecovery}; the trial call closed its breaker: ${stockBreakerAfterRecovery}`);

    // undici.request through an Agent composed with the interceptor: a 503 + Retry-After opens its breaker.
    const interceptorRegistry = new BreakerRegistry();
    const dispatcher = new Agent().compose(breakerInterceptor({ registry: interceptorRegistry }));
    reviews.status = 503;
    reviews.headers = { 'retry-after': '30' };
    await (await request(`${reviews.url}/reviews`, { dispatcher })).body.dump();
    const second = await request(`${reviews.url}/reviews`, { dispatcher }).catch((e: unknown) => e);
    const reviewsRejected = isCircuitOpenError(second);
    const reviewsRetryAfterMs = interceptorRegistry.get(reviews.url).retryAfterMs;
    say(
      `- reviews answered 503 + Retry-After: 30; undici.request is now rejected (${reviewsRejected}) for ${Math.round(reviewsRetryAfterMs / 1000)} s`,
    );
    await dispatcher.close();
    return {
      stockStatuses,
      stockBreaker,
      rejection,
      pricesWhileStockOpen,
      stockAfterRecovery,
      stockBreakerAfterRecovery,
      reviewsRejected,
      reviewsRetryAfterMs,
    };
  } finally {
    for (const upstream of [stock, prices, reviews]) upstream.close();
  }
}
