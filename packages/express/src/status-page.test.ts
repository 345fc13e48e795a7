import { createRequire } from 'node:module';
import { BreakerRegistry } from '@tripswitch/core';
import { openEventStream } from '@tripswitch/testkit';
import type { Request } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { breakerStatusPage } from './status-page.js';
import { listen, type TestServer } from './test-support.js';

const require = createRequire(import.meta.url);

describe.each(['express4', 'express5'])('breakerStatusPage() on %s', (pkg) => {
  const express = require(pkg) as typeof import('express');
  let server: TestServer | undefined;
  afterEach(() => server?.close());

  it('serves the page, its stream and its JSON under a mount path, and passes other requests on', async () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    registry.get('GET /users/:id').forceOpen();
    const app = express();
    const page = breakerStatusPage({ registry });
    app.use('/admin', page);
    app.get('/admin/other', (_req, res) => {
      res.send('app');
    });
    server = await listen(app);
    const html = await fetch(`${server.url}/admin/breakers/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-/);
    expect(await html.text()).toContain('<title>breakers · tripswitch</title>');
    expect(await (await fetch(`${server.url}/admin/other`)).text()).toBe('app');
    const snapshot = (await (await fetch(`${server.url}/admin/breakers/snapshot.json`)).json()) as {
      breakers: { name: string; state: string }[];
    };
    expect(snapshot.breakers).toMatchObject([{ name: 'GET /users/:id', state: 'forced_open' }]);
    const stream = await openEventStream(`${server.url}/admin/breakers/stream`);
    expect((await stream.next('init')).data).toMatchObject({
      token: null,
      breakers: [{ state: 'forced_open' }],
    });
    expect(page.clients).toBe(1);
    page.closeStreams();
    await expect(stream.next('tick')).rejects.toThrow(/ended/);
  });

  it('gives authorize() the Express request; an authorized page can force a breaker open', async () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    const payments = registry.get('payments');
    const app = express();
    app.use(breakerStatusPage({ registry, authorize: (req: Request) => req.get('x-role') === 'ops' }));
    server = await listen(app);
    const stream = await openEventStream(`${server.url}/breakers/stream`, { headers: { 'x-role': 'ops' } });
    const { token } = (await stream.next('init')).data as { token: string };
    stream.close();
    const act = (role: string) =>
      fetch(`${server?.url}/breakers/action?breaker=payments&action=force_open`, {
        method: 'POST',
        headers: { 'x-role': role, 'x-tripswitch-token': token, 'sec-fetch-site': 'same-origin' },
      });
    expect((await act('guest')).status).toBe(403);
    expect(payments.state).toBe('closed');
    expect((await act('ops')).status).toBe(200);
    expect(payments.state).toBe('forced_open');
  });
});
