import { getBreaker, isCircuitOpenError } from '@tripswitch/core';
import { isAxiosError } from 'axios';
import { getJson, reviewsHttp } from './clients.js';
import { startService } from './services.js';

/** What happened at each step, for `main.ts` to print and `smoke.ts` to check. */
export interface Observations {
  firstPrice: unknown;
  stockFailure: string;
  stockBreakerAfterFailures: string;
  rejection: { error: string; retryAfterMs: number; requestsSent: number };
  priceWhileStockOpen: unknown;
  reviewsFallback: unknown;
  stockAfterRecovery: unknown;
  stockBreakerAfterRecovery: string;
  priceAfterRetryAfter: { value: unknown; waitedMs: number; reasons: string[] };
}

const describe = (error: unknown): string =>
  isCircuitOpenError(error)
    ? `CircuitOpenError (${error.breakerName}, retry in ${Math.round(error.retryAfterMs)} ms)`
    : isAxiosError(error)
      ? `AxiosError ${error.response?.status ?? error.code}`
      : String(error);

/** Three local upstreams, one client: a stock outage and recovery, a fallback, and a 503 with Retry-After. */
export async function runScenario(log: (line: string) => void): Promise<Observations> {
  const prices = await startService((path) => ({ sku: path.split('/').pop(), price: 4.5 }));
  const stock = await startService((path) => ({ sku: path.split('/').pop(), available: 12 }));
  const reviews = await startService(() => ({ reviews: [{ stars: 5, text: 'Lovely' }] }));
  const o = {} as Observations;
  try {
    o.firstPrice = await getJson(`${prices.origin}/prices/TEA-1`);
    log(`price: ${JSON.stringify(o.firstPrice)}`);

    stock.mode = 'down';
    o.stockFailure = await getJson(`${stock.origin}/stock/TEA-1`).then(JSON.stringify, describe);
    o.stockBreakerAfterFailures = getBreaker(stock.origin).state;
    log(
      `stock is down: retry() gave up with ${o.stockFailure}; its breaker is ${o.stockBreakerAfterFailures}`,
    );

    const before = stock.received;
    const error = await getJson(`${stock.origin}/stock/TEA-2`).catch((e: unknown) => e);
    o.rejection = {
      error: describe(error),
      retryAfterMs: isCircuitOpenError(error) ? error.retryAfterMs : -1,
      requestsSent: stock.received - before,
    };
    log(`stock again: ${o.rejection.error}, at once, ${o.rejection.requestsSent} requests sent`);

    o.priceWhileStockOpen = await getJson(`${prices.origin}/prices/TEA-2`);
    log(`price meanwhile (another origin, another breaker): ${JSON.stringify(o.priceWhileStockOpen)}`);

    reviews.mode = 'down';
    o.reviewsFallback = (await reviewsHttp.get(`${reviews.origin}/reviews/TEA-1`)).data;
    log(`reviews are down too, the fallback answers: ${JSON.stringify(o.reviewsFallback)}`);

    stock.mode = 'ok';
    log('stock is back; waiting out the 2 s reset timeout…');
    await new Promise((resolve) => setTimeout(resolve, 2100));
    o.stockAfterRecovery = await getJson(`${stock.origin}/stock/TEA-3`);
    o.stockBreakerAfterRecovery = getBreaker(stock.origin).state;
    log(
      `stock: ${JSON.stringify(o.stockAfterRecovery)}; the trial call closed its breaker: ${o.stockBreakerAfterRecovery}`,
    );

    const reasons: string[] = [];
    const unsubscribe = getBreaker(prices.origin).on('stateChange', (e) =>
      reasons.push(`${e.to} (${e.reason})`),
    );
    prices.mode = 'busy';
    const started = performance.now();
    const value = await getJson(`${prices.origin}/prices/TEA-3`);
    o.priceAfterRetryAfter = { value, waitedMs: Math.round(performance.now() - started), reasons };
    unsubscribe();
    log(`prices answered 503 + Retry-After: 1; the breaker went ${reasons.join(' → ')}, retry() waited`);
    log(`${o.priceAfterRetryAfter.waitedMs} ms for it and got ${JSON.stringify(value)}`);
    return o;
  } finally {
    await Promise.all([prices.close(), stock.close(), reviews.close()]);
  }
}
