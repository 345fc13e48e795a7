/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { BreakerRegistry } from '@tripswitch/core';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AUTHORIZED, type Framework, READ_ONLY, type StatusApp, startStatusApp } from './apps.js';
import { type Browser, ensureChromium, startChromium } from './chromium.js';
import { runIncident } from './incident.js';

// `npm run test:browser`: the status page in Debian's Chromium (driven by playwright-core), served by real
// Express, Koa and Fastify servers on 127.0.0.1, with a scripted trip, recovery, restart and operator click.
const XSS = '<img src=x onerror=alert(1)>';
const QUOTES = 'GET /api/quotes/:symbol';
const PROFILE = 'GET /api/profile/:id';
export const SCREENSHOT = fileURLToPath(new URL('../../docs/status-page.png', import.meta.url));

const skip = ensureChromium();
if (skip !== undefined)
  console.warn(`\n${'!'.repeat(100)}\n[browser] SKIPPED: ${skip}\n${'!'.repeat(100)}\n`);

/** Polls `check` every 50 ms until true; fails after `limitMs`. */
async function until(what: string, limitMs: number, check: () => boolean | Promise<boolean>): Promise<void> {
  const deadline = Date.now() + limitMs;
  while (Date.now() < deadline) {
    if (await check()) return;
    await sleep(50);
  }
  throw new Error(`timed out after ${limitMs} ms waiting for ${what}`);
}

const tile = (name: string) => `.tile[data-name="${name}"]`;

describe.skipIf(skip !== undefined)('the status page in Chromium', () => {
  let browser: Browser;
  beforeAll(async () => {
    browser = await startChromium();
  });
  afterAll(() => browser?.close());

  /** Opens a page and records every console error, page error, dialog and failed request. */
  async function open(url: string): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.context.newPage();
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`console ${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
    page.on('dialog', (d) => problems.push(`dialog: ${d.message()}`));
    page.on('requestfailed', (r) => problems.push(`failed: ${r.url()} ${r.failure()?.errorText}`));
    page.on('response', (r) => {
      if (r.status() >= 400) problems.push(`HTTP ${r.status()}: ${r.url()}`);
    });
    await page.goto(url);
    await page.waitForSelector('#conn.live', { timeout: 5000 });
    return { page, problems };
  }

  describe.each(['express', 'koa', 'fastify'] as Framework[])('on %s', (framework) => {
    let app: StatusApp;
    beforeAll(async () => {
      app = await startStatusApp(framework);
      // Route breakers exist from their first request; this one is named by (hostile) user data.
      expect(await app.get('/api/quotes/ACME')).toBe(200);
      expect(await app.get('/api/profile/7')).toBe(200);
      app.registry.get(XSS);
    });
    afterAll(() => app?.close());

    it('loads with no console errors and no failed requests, a tile per breaker', async () => {
      const { page, problems } = await open(app.origin + READ_ONLY);
      const names = await page.$$eval('.tile h2', (hs) => hs.map((h) => h.textContent));
      expect(names.sort()).toEqual([XSS, PROFILE, QUOTES].sort());
      await page.waitForFunction(() => document.querySelector('.tile b')?.textContent !== '–');
      await sleep(1200); // a tick or so more, to catch anything that breaks on a later update
      expect(problems).toEqual([]);
      await page.close();
    });

    it('shows a trip within 2 s, counts Retry-After down, and shows the recovery', async () => {
      const { page, problems } = await open(app.origin + READ_ONLY);
      app.failing = true;
      const tripped = Date.now();
      for (let i = 0; i < 3; i++) expect(await app.get('/api/quotes/ACME')).toBe(500);
      expect(app.registry.get(QUOTES).state).toBe('open');
      await page.waitForSelector(`${tile(QUOTES)}[data-state=open]`, { timeout: 2000 });
      expect(Date.now() - tripped).toBeLessThan(2000);
      expect(await page.textContent(`${tile(QUOTES)} .badge`)).toBe('OPEN');
      // Worst first: the open breaker leads.
      expect(await page.getAttribute('.tile:first-child', 'data-name')).toBe(QUOTES);
      const countdown = async () => Number(await page.getAttribute(`${tile(QUOTES)} .countdown`, 'data-ms'));
      await page.waitForSelector(`${tile(QUOTES)} .countdown`, { timeout: 2000 });
      const first = await countdown();
      const firstText = await page.textContent(`${tile(QUOTES)} .countdown`);
      await sleep(1100);
      const second = await countdown();
      expect(second).toBeLessThan(first - 800);
      expect(Number.parseInt((await page.textContent(`${tile(QUOTES)} .countdown`)) ?? '', 10)).toBeLessThan(
        Number.parseInt(firstText ?? '', 10),
      );
      expect(await page.textContent(`${tile(QUOTES)} .why`)).toContain('consecutive_failures');
      expect(await page.textContent('#feed li:first-child')).toContain(QUOTES);

      app.failing = false;
      await until('the reset period to end', 6000, () => app.registry.get(QUOTES).retryAfterMs === 0);
      expect(await app.get('/api/quotes/ACME')).toBe(200); // the trial call closes it
      expect(app.registry.get(QUOTES).state).toBe('closed');
      await page.waitForSelector(`${tile(QUOTES)}[data-state=closed]`, { timeout: 2000 });
      expect(await page.textContent(`${tile(QUOTES)} .why`)).toContain('trial_succeeded');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('hides the tiles the filter does not match', async () => {
      const { page } = await open(app.origin + READ_ONLY);
      const visible = () => page.$$eval('.tile:not([hidden]) h2', (hs) => hs.map((h) => h.textContent));
      await page.fill('#filter', 'quotes');
      expect(await visible()).toEqual([QUOTES]);
      await page.fill('#filter', 'API/');
      expect((await visible()).sort()).toEqual([PROFILE, QUOTES].sort());
      await page.fill('#filter', '');
      expect(await visible()).toHaveLength(3);
      await page.close();
    });

    it('renders a hostile breaker name as text, on its tile and in the feed', async () => {
      const { page, problems } = await open(app.origin + READ_ONLY);
      app.registry.get(XSS).forceOpen();
      await page.waitForFunction(
        (name) => document.querySelector('#feed li:first-child .n')?.textContent === name,
        XSS,
      );
      const found = await page.evaluate((name) => {
        const t = [...document.querySelectorAll<HTMLElement>('.tile')].find((e) => e.dataset.name === name);
        return {
          title: t?.querySelector('h2')?.textContent,
          images: document.querySelectorAll('img').length,
          feed: document.querySelector('#feed li:first-child .n')?.textContent,
        };
      }, XSS);
      expect(found).toEqual({ title: XSS, images: 0, feed: XSS });
      app.registry.get(XSS).close();
      expect(problems).toEqual([]);
      await page.close();
    });

    it('is read-only without authorize: no buttons, and a forged POST gets 403', async () => {
      const { page } = await open(app.origin + READ_ONLY);
      expect(await page.$$('.tile button')).toHaveLength(0);
      const fromPage = await page.evaluate(async (name) => {
        const q = new URLSearchParams({ breaker: name, action: 'force_open' });
        const res = await fetch(`action?${q}`, {
          method: 'POST',
          headers: { 'x-tripswitch-token': 'forged.x' },
        });
        return res.status;
      }, PROFILE);
      expect(fromPage).toBe(403);
      const fromElsewhere = await fetch(
        `${app.origin}${READ_ONLY}action?breaker=${encodeURIComponent(PROFILE)}&action=force_open`,
        { method: 'POST', headers: { origin: 'http://evil.example' } },
      );
      expect(fromElsewhere.status).toBe(403);
      expect(app.registry.get(PROFILE).state).toBe('closed');
      await page.close();
    });

    it('with authorize, a click forces the breaker open on the server', async () => {
      const { page, problems } = await open(app.origin + AUTHORIZED);
      await page.click(`${tile(PROFILE)} button[data-action=force_open]`);
      await until(
        'the breaker to be forced open',
        2000,
        () => app.registry.get(PROFILE).state === 'forced_open',
      );
      await page.waitForSelector(`${tile(PROFILE)}[data-state=forced_open]`, { timeout: 2000 });
      expect(await page.textContent(`${tile(PROFILE)} .badge`)).toBe('FORCED OPEN');
      expect(await page.textContent('#feed li:first-child .r')).toBe('manual');
      await page.click(`${tile(PROFILE)} button[data-action=close]`);
      await until('the breaker to be closed', 2000, () => app.registry.get(PROFILE).state === 'closed');
      expect(problems).toEqual([]);
      await page.close();
    });

    it('reconnects its stream after the server restarts', async () => {
      const { page } = await open(app.origin + READ_ONLY);
      await app.restart(2000);
      // Only a stream to the restarted server can bring a breaker created after it.
      app.registry.get('created-after-restart');
      await page.waitForSelector(`${tile('created-after-restart')}`, { timeout: 10_000 });
      expect(await page.getAttribute('#conn', 'class')).toBe('live');
      await page.close();
      app.registry.remove('created-after-restart');
    });
  });

  it('takes a screenshot mid-incident for the README', async () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    const app = await startStatusApp('express', registry, 20_000);
    try {
      const { page, problems } = await open(app.origin + AUTHORIZED);
      await runIncident(app);
      await page.waitForTimeout(1100);
      await page.screenshot({ path: SCREENSHOT });
      expect(problems).toEqual([]);
      await page.close();
    } finally {
      await app.close();
    }
  });
});
