import { createRequire } from 'node:module';
import { BreakerRegistry } from '@tripswitch/core';
import { openEventStream } from '@tripswitch/testkit';
import type { FastifyInstance } from 'fastify';
import { afterEach, describe, expect, it } from 'vitest';
import { breakerStatusPage } from './status-page.js';

const require = createRequire(import.meta.url);
type FastifyFactory = typeof import('fastify').default;

describe.each(['fastify4', 'fastify5'])('breakerStatusPage() on %s', (pkg) => {
  const Fastify = require(pkg) as FastifyFactory;
  let app: FastifyInstance | undefined;
  afterEach(() => app?.close());

  async function serve(setup: (app: FastifyInstance) => PromiseLike<unknown>): Promise<string> {
    const a = Fastify();
    app = a;
    await setup(a);
    await a.listen({ port: 0, host: '127.0.0.1' });
    return `http://127.0.0.1:${(a.server.address() as { port: number }).port}`;
  }

  it('serves the page, its stream and its JSON under its prefix, and leaves other routes alone', async () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    registry.get('GET /users/:id').forceOpen();
    const page = breakerStatusPage({ registry });
    const url = await serve(async (a) => {
      a.get('/ops/other', async () => 'app');
      await a.register(page, { prefix: '/ops' });
    });
    const html = await fetch(`${url}/ops/breakers/`);
    expect(html.status).toBe(200);
    expect(html.headers.get('content-security-policy')).toMatch(/^default-src 'none'; script-src 'sha256-/);
    expect(await html.text()).toContain('<title>breakers · tripswitch</title>');
    const bare = await fetch(`${url}/ops/breakers`, { redirect: 'manual' });
    expect(bare.status).toBe(308);
    expect(bare.headers.get('location')).toBe('breakers/');
    expect(await (await fetch(`${url}/ops/other`)).text()).toBe('app');
    expect((await fetch(`${url}/ops/breakers/nothing`)).status).toBe(404);
    const snapshot = (await (await fetch(`${url}/ops/breakers/snapshot.json`)).json()) as {
      breakers: { name: string; state: string }[];
    };
    expect(snapshot.breakers).toMatchObject([{ name: 'GET /users/:id', state: 'forced_open' }]);
    const stream = await openEventStream(`${url}/ops/breakers/stream`);
    expect((await stream.next('init')).data).toMatchObject({
      token: null,
      breakers: [{ state: 'forced_open' }],
    });
    expect(page.clients).toBe(1);
    page.closeStreams();
    await expect(stream.next('tick')).rejects.toThrow(/ended/);
  });

  it('ends its streams when the app closes, so close() does not wait for open pages', async () => {
    const page = breakerStatusPage({ registry: new BreakerRegistry({ telemetry: { enabled: false } }) });
    const url = await serve((a) => a.register(page));
    const stream = await openEventStream(`${url}/breakers/stream`);
    await stream.next('init');
    await app?.close();
    app = undefined;
    expect(page.clients).toBe(0);
    await expect(stream.next('tick')).rejects.toThrow(/ended/);
  });

  it('gives authorize() the Fastify request; an authorized POST (no body parsing) forces a breaker open', async () => {
    const registry = new BreakerRegistry({ telemetry: { enabled: false } });
    const payments = registry.get('payments');
    const url = await serve((a) =>
      a.register(
        breakerStatusPage({ registry, authorize: (request) => request.headers['x-role'] === 'ops' }),
      ),
    );
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
