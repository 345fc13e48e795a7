import { setTimeout as sleep } from 'node:timers/promises';
import type { StatusApp } from './apps.js';

/**
 * A scripted incident for the README's screenshot, 15 s of it: real requests to the app's routes every
 * 100 ms, plus the outbound breakers an HTTP client would hold, driven directly. Healthy for 4 s; then
 * the quotes upstream fails (its route and client breakers open), orders fail one call in three, an
 * operator forces payments open, and inventory's short open period runs out into half_open.
 */
export async function runIncident(app: StatusApp): Promise<void> {
  const r = app.registry;
  const quotesUpstream = r.get('quotes-upstream', { failureThreshold: 5, resetTimeout: 20_000 });
  const ordersUpstream = r.get('orders-upstream', {
    window: { type: 'count', size: 50 },
    minimumCalls: 10,
    failureRateThreshold: 60,
  });
  const payments = r.get('payments-upstream');
  const inventory = r.get('inventory-upstream');
  const search = r.get('search-index');
  const call = (breaker: typeof search, fails: boolean) => {
    const permit = breaker.tryAcquire();
    if (fails) permit?.failure(new Error('upstream 503'));
    else permit?.success();
  };
  const start = Date.now();
  let step = 0;
  // Bounded in steps (150) as well as in time.
  while (step < 150 && Date.now() - start < 18_000) {
    const t = step * 100;
    const failing = t >= 4000;
    app.failing = failing;
    await Promise.all([app.get('/api/quotes/ACME'), app.get('/api/profile/7')]);
    call(quotesUpstream, failing);
    for (let i = 0; i < 3; i++) call(ordersUpstream, failing && (step * 3 + i) % 3 === 0);
    call(search, false);
    call(payments, false);
    if (t < 8000) call(inventory, false);
    if (t === 6000) payments.forceOpen();
    if (t === 8000) inventory.openFor(2500);
    step++;
    await sleep(Math.max(0, start + step * 100 - Date.now()));
  }
}
