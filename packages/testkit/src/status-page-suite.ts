import { BreakerRegistry } from '@tripswitch/core';
import { afterEach, describe, expect, it } from 'vitest';
import { openEventStream } from './event-stream.js';

/** What the status page suite asks a driver to serve. */
export interface StatusPageApp {
  readonly registry: BreakerRegistry;
  /**
   * Serve the page under a prefix, the framework's own way (a mount path, `basePath`, a register prefix),
   * beside an app route `GET <prefix>/other` answering `app`; else at `/breakers`, alone.
   */
  readonly prefixed: boolean;
  /**
   * The page's `authorize`, given the role a request carries in its `x-role` header: the driver reads it
   * from what the framework gives `authorize` (its request, its context).
   */
  readonly authorize?: (role: string | undefined) => boolean;
}

/** A status page app listening on 127.0.0.1. */
export interface StatusPageServer {
  /** Where the app listens, e.g. `http://127.0.0.1:4000`. */
  readonly url: string;
  /** The prefix the page is served under (`''` when not `prefixed`): the page is at `<prefix>/breakers/`. */
  readonly prefix: string;
  /** The adapter's page handler (its `clients` and `closeStreams()`). */
  readonly page: { readonly clients: number; closeStreams(): void };
  close(): Promise<void>;
}

/** How the status page suite runs one adapter's `breakerStatusPage()` on one framework major. */
export interface StatusPageDriver {
  /** Shown in the test names, e.g. `express5`. */
  readonly label: string;
  serve(app: StatusPageApp): Promise<StatusPageServer>;
}

/**
 * What every server adapter's `breakerStatusPage()` does the same, over HTTP on a real server: the page,
 * its stream and its JSON under a prefix, other requests left to the app, the bare path redirected, and
 * `authorize` given the framework's request before a control action. The page's own answers are core's
 * (`createStatusPage`, tested in `@tripswitch/core`).
 *
 * @example
 * ```ts
 * describeStatusPage({ label: 'express5', serve: (app) => serveExpressStatusPage(express5, app) });
 * ```
 */
export function describeStatusPage(driver: StatusPageDriver): void {
  describe(`breakerStatusPage() on ${driver.label}`, () => {
    let server: StatusPageServer | undefined;
    afterEach(() => server?.close());
    async function serve(app: StatusPageApp): Promise<StatusPageServer> {
      server = await driver.serve(app);
      return server;
    }

    it('serves the page, its stream and its JSON under a prefix, and passes other requests on', async () => {
      const registry = new BreakerRegistry({ telemetry: { enabled: false } });
      registry.get('GET /users/:id').forceOpen();
      const { url, prefix, page } = await serve({ registry, prefixed: true });
      const base = `${url}${prefix}/breakers`;
      const html = await fetch(`${base}/`);
      expect(html.status).toBe(200);
      expect(html.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-/);
      expect(await html.text()).toContain('<title>breakers · tripswitch</title>');
      const bare = await fetch(base, { redirect: 'manual' });
      expect(bare.status).toBe(308);
      expect(bare.headers.get('location')).toBe('breakers/');
      expect(await (await fetch(`${url}${prefix}/other`)).text()).toBe('app');
      expect((await fetch(`${base}/nothing`)).status).toBe(404);
      const snapshot = (await (await fetch(`${base}/snapshot.json`)).json()) as {
        breakers: { name: string; state: string }[];
      };
      expect(snapshot.breakers).toMatchObject([{ name: 'GET /users/:id', state: 'forced_open' }]);
      const stream = await openEventStream(`${base}/stream`);
      expect((await stream.next('init')).data).toMatchObject({
        token: null,
        breakers: [{ state: 'forced_open' }],
      });
      expect(page.clients).toBe(1);
      page.closeStreams();
      await expect(stream.next('tick')).rejects.toThrow(/ended/);
    });

    it('gives authorize() the framework’s request; an authorized POST (no body parsing) forces a breaker open', async () => {
      const registry = new BreakerRegistry({ telemetry: { enabled: false } });
      const payments = registry.get('payments');
      const { url } = await serve({ registry, prefixed: false, authorize: (role) => role === 'ops' });
      const stream = await openEventStream(`${url}/breakers/stream`, { headers: { 'x-role': 'ops' } });
      const { token } = (await stream.next('init')).data as { token: string };
      stream.close();
      const act = (role: string) =>
        fetch(`${url}/breakers/action?breaker=payments&action=force_open`, {
          method: 'POST',
          headers: {
            'x-role': role,
            'x-tripswitch-token': token,
            'sec-fetch-site': 'same-origin',
            'content-type': 'application/x-unparsed',
          },
          body: 'ignored',
        });
      expect((await act('guest')).status).toBe(403);
      expect(payments.state).toBe('closed');
      expect((await act('ops')).status).toBe(200);
      expect(payments.state).toBe('forced_open');
    });
  });
}
