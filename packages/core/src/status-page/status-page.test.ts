import { createHash } from 'node:crypto';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { context, propagation, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { BreakerRegistry } from '../registry.js';
import { ATTR_REASON, SPAN_TRANSITION } from '../telemetry/names.js';
import type { StatusSnapshot } from './breaker-status.js';
import type { StatusPageOptions } from './options.js';
import { adaptStatusPage, createStatusPage, type StatusPage } from './status-page.js';

const XSS = '<img src=x onerror=alert(1)>';
const off = { telemetry: { enabled: false } } as const;

interface Running {
  readonly url: string;
  readonly page: StatusPage<IncomingMessage>;
  close(): Promise<void>;
}

async function serve(options: StatusPageOptions<IncomingMessage>): Promise<Running> {
  const page = createStatusPage(options);
  const server: Server = createServer((req, res) => {
    if (page.handle(req, res, req.url ?? '/', req) === false) res.writeHead(404).end('app');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    page,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

interface ServerEvent {
  readonly event: string;
  readonly data: unknown;
}

/** An open event stream: `next(name)` waits for the next event of that name (bounded by the test timeout). */
async function openStream(url: string, init?: RequestInit) {
  const controller = new AbortController();
  const res = await fetch(url, { ...init, signal: controller.signal });
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffer = '';
  const queue: ServerEvent[] = [];
  async function next(event: string): Promise<ServerEvent> {
    for (;;) {
      const i = queue.findIndex((e) => e.event === event);
      if (i !== -1) return queue.splice(0, i + 1)[i] as ServerEvent;
      const { value, done } = await reader.read();
      if (done) throw new Error(`stream ended before a "${event}" event`);
      buffer += value;
      let end = buffer.indexOf('\n\n');
      while (end !== -1) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        const name = /^event: (.*)$/m.exec(frame)?.[1];
        const data = /^data: (.*)$/m.exec(frame)?.[1];
        if (name !== undefined && data !== undefined) queue.push({ event: name, data: JSON.parse(data) });
        end = buffer.indexOf('\n\n');
      }
    }
  }
  return { res, next, close: () => controller.abort() };
}

/** Polls `check` every 10 ms until it is true (at most 2 s): server-side cleanup follows the socket close. */
async function eventually(check: () => boolean): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  expect(check()).toBe(true);
}

describe('createStatusPage()', () => {
  let registry: BreakerRegistry;
  let running: Running | undefined;

  beforeEach(() => {
    registry = new BreakerRegistry(off);
  });
  afterEach(async () => {
    await running?.close();
    running = undefined;
    vi.restoreAllMocks();
  });

  it('serves one self-contained page under 30 KB with a hash-only CSP, nosniff and no caching', async () => {
    running = await serve({ registry });
    const res = await fetch(`${running.url}/breakers/`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    expect(res.headers.get('cache-control')).toBe('no-store');
    expect(res.headers.get('x-frame-options')).toBe('DENY');
    const html = await res.text();
    expect(Buffer.byteLength(html)).toBeLessThan(30 * 1024);
    const csp = res.headers.get('content-security-policy') ?? '';
    const script = /<script>([\s\S]*)<\/script>/.exec(html)?.[1] ?? '';
    const style = /<style>([\s\S]*)<\/style>/.exec(html)?.[1] ?? '';
    const hash = (s: string) => `'sha256-${createHash('sha256').update(s).digest('base64')}'`;
    expect(csp).toContain(`script-src ${hash(script)};`);
    expect(csp).toContain(`style-src ${hash(style)};`);
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(script).not.toContain('</');
    // Nothing loaded from elsewhere, and every URL relative (the SVG namespace is a name, not a request).
    expect(html.replaceAll('http://www.w3.org/2000/svg', '')).not.toMatch(/https?:|\/\/|src=|url\(/);
    expect(html).not.toMatch(/(href|EventSource\(|fetch\()\s*=?\s*["'`]\//);
  });

  it('redirects the bare base path to its trailing-slash form with a relative Location', async () => {
    running = await serve({ registry, basePath: '/ops/breakers/' });
    const res = await fetch(`${running.url}/ops/breakers`, { redirect: 'manual' });
    expect(res.status).toBe(308);
    expect(res.headers.get('location')).toBe('breakers/');
    expect((await fetch(`${running.url}/ops/breakers/`)).status).toBe(200);
  });

  it('leaves other paths to the app, answers 404 inside its own and 405 to other methods', async () => {
    running = await serve({ registry });
    expect(await (await fetch(`${running.url}/breakersx`)).text()).toBe('app');
    expect(await (await fetch(`${running.url}/other`)).text()).toBe('app');
    expect((await fetch(`${running.url}/breakers/nope`)).status).toBe(404);
    const put = await fetch(`${running.url}/breakers/snapshot.json`, { method: 'PUT' });
    expect(put.status).toBe(405);
    expect(put.headers.get('allow')).toBe('GET, HEAD');
    expect((await fetch(`${running.url}/breakers/action`)).status).toBe(405);
  });

  it('gives the same data as JSON, worst first, with the last transition and names as plain strings', async () => {
    registry.get('fine');
    registry.get(XSS, { failureThreshold: 1 }).tryAcquire()?.failure(new Error('down'));
    registry.get('half', { resetTimeout: 1 }).openFor(0);
    registry.get('forced').forceOpen();
    running = await serve({ registry });
    const res = await fetch(`${running.url}/breakers/snapshot.json`);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('x-content-type-options')).toBe('nosniff');
    const body = (await res.json()) as StatusSnapshot;
    expect(body.breakers.map((b) => [b.name, b.state])).toEqual([
      [XSS, 'open'],
      ['forced', 'forced_open'],
      ['half', 'half_open'],
      ['fine', 'closed'],
    ]);
    const open = body.breakers[0]!;
    expect(open.retryAfterMs).toBeGreaterThan(59_000);
    expect(Number.isInteger(open.retryAfterMs)).toBe(true); // whole ms, as in the health JSON
    expect(open.lastTransition).toMatchObject({ from: 'closed', to: 'open', reason: 'consecutive_failures' });
    expect(body.breakers[1]).toMatchObject({ retryAfterMs: null, lastTransition: { reason: 'manual' } });
    expect(body.breakers[3]).toMatchObject({ lastTransition: null, stateForMs: null });
    // No page open: nothing is sampled, so there are no rates yet.
    expect(body.sampling).toBe(false);
    expect(open.callsPerSecond).toBeNull();
    expect(body.transitions.map((t) => t.name).sort()).toEqual([XSS, 'forced', 'half'].sort());
  });

  it('costs nothing until a stream opens, and removes every listener and timer when the last one closes', async () => {
    const breakers = [registry.get('a'), registry.get('b')];
    let listening = 0;
    for (const b of breakers) {
      const on = b.on.bind(b);
      vi.spyOn(b, 'on').mockImplementation((event, listener) => {
        listening++;
        const off = on(event, listener);
        return () => {
          listening--;
          off();
        };
      });
    }
    const setSpy = vi.spyOn(globalThis, 'setInterval');
    const clearSpy = vi.spyOn(globalThis, 'clearInterval');
    const timers = () =>
      setSpy.mock.calls.length - clearSpy.mock.calls.filter(([t]) => t !== undefined).length;
    running = await serve({ registry });
    await fetch(`${running.url}/breakers/`);
    await fetch(`${running.url}/breakers/snapshot.json`);
    expect([listening, timers()]).toEqual([0, 0]);

    const one = await openStream(`${running.url}/breakers/stream`);
    await one.next('init');
    expect([listening, timers()]).toEqual([2, 1]);
    const two = await openStream(`${running.url}/breakers/stream`);
    await two.next('init');
    expect([listening, timers(), running.page.clients]).toEqual([2, 1, 2]);
    one.close();
    await eventually(() => running?.page.clients === 1);
    expect([listening, timers()]).toEqual([2, 1]);
    two.close();
    await eventually(() => running?.page.clients === 0);
    expect([listening, timers()]).toEqual([0, 0]);
  });

  it('streams an init snapshot, then each transition as it happens; no caching, no token without authorize', async () => {
    const b = registry.get(XSS, { failureThreshold: 1 });
    running = await serve({ registry });
    const stream = await openStream(`${running.url}/breakers/stream`);
    expect(stream.res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(stream.res.headers.get('cache-control')).toBe('no-store');
    expect(stream.res.headers.get('x-content-type-options')).toBe('nosniff');
    const init = (await stream.next('init')).data as StatusSnapshot & { token: unknown };
    expect(init.token).toBeNull();
    expect(init.breakers[0]).toMatchObject({ name: XSS, state: 'closed', history: [] });
    b.tryAcquire()?.failure(new Error('down'));
    expect((await stream.next('transition')).data).toMatchObject({
      name: XSS,
      from: 'closed',
      to: 'open',
      reason: 'consecutive_failures',
    });
    stream.close();
  });

  it('answers 503 past maxClients', async () => {
    running = await serve({ registry, maxClients: 1 });
    const one = await openStream(`${running.url}/breakers/stream`);
    await one.next('init');
    const refused = await fetch(`${running.url}/breakers/stream`);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('10');
    one.close();
    await eventually(() => running?.page.clients === 0);
    const again = await openStream(`${running.url}/breakers/stream`);
    expect(again.res.status).toBe(200);
    again.close();
  });

  describe('control actions', () => {
    async function tokenFrom(url: string): Promise<string | null> {
      const stream = await openStream(`${url}/breakers/stream`);
      const { token } = (await stream.next('init')).data as { token: string | null };
      stream.close();
      return token;
    }
    const post = (url: string, query: string, headers: Record<string, string>) =>
      fetch(`${url}/breakers/action?${query}`, { method: 'POST', headers });

    it('are refused with 403 without authorize, whatever the request carries', async () => {
      const b = registry.get('payments');
      running = await serve({ registry });
      expect(await tokenFrom(running.url)).toBeNull();
      const forged = await post(running.url, 'breaker=payments&action=force_open', {
        origin: running.url,
        'x-tripswitch-token': 'abc.def',
      });
      expect(forged.status).toBe(403);
      expect(b.state).toBe('closed');
    });

    it('need a same-origin request, authorize() true for it and a token this handler issued', async () => {
      const b = registry.get('payments');
      const authorize = vi.fn((req: IncomingMessage) => req.headers.authorization === 'Bearer ops');
      running = await serve({ registry, authorize });
      const { url } = running;
      expect(await tokenFrom(url)).toBeNull(); // not authorized: no token, so no buttons
      const stream = await openStream(`${url}/breakers/stream`, { headers: { authorization: 'Bearer ops' } });
      const { token } = (await stream.next('init')).data as { token: string };
      expect(token).toMatch(/^[\w-]+\.[\w-]+$/);
      const auth = { authorization: 'Bearer ops', 'x-tripswitch-token': token };
      const q = 'breaker=payments&action=force_open';
      expect((await post(url, q, { ...auth, origin: 'http://evil.example' })).status).toBe(403);
      expect((await post(url, q, { ...auth, 'sec-fetch-site': 'cross-site', origin: url })).status).toBe(403);
      expect((await post(url, q, auth)).status).toBe(403); // neither Origin nor Sec-Fetch-Site
      expect((await post(url, q, { 'x-tripswitch-token': token, origin: url })).status).toBe(403);
      expect((await post(url, q, { ...auth, origin: url, 'x-tripswitch-token': `${token}x` })).status).toBe(
        403,
      );
      const other = await serve({ registry, authorize: () => true });
      const foreign = await tokenFrom(other.url);
      await other.close();
      expect((await post(url, q, { ...auth, origin: url, 'x-tripswitch-token': foreign! })).status).toBe(403);
      expect(b.state).toBe('closed');

      const ok = await post(url, q, { ...auth, origin: url });
      expect(ok.status).toBe(200);
      expect(await ok.json()).toEqual({ name: 'payments', action: 'force_open', state: 'forced_open' });
      expect(b.state).toBe('forced_open');
      expect((await stream.next('transition')).data).toMatchObject({ to: 'forced_open', reason: 'manual' });
      const close = await post(url, 'breaker=payments&action=close', {
        ...auth,
        'sec-fetch-site': 'same-origin',
      });
      expect(close.status).toBe(200);
      expect(b.state).toBe('closed');
      expect((await post(url, 'breaker=payments&action=disable', { ...auth, origin: url })).status).toBe(200);
      expect(b.state).toBe('disabled');
      expect((await post(url, 'breaker=payments&action=explode', { ...auth, origin: url })).status).toBe(400);
      expect((await post(url, 'breaker=nobody&action=close', { ...auth, origin: url })).status).toBe(404);
      stream.close();
    });

    it('refuse when authorize() throws or rejects, and report it once', async () => {
      const error = vi.spyOn(console, 'error').mockImplementation(() => {});
      registry.get('payments');
      running = await serve({
        registry,
        authorize: () => {
          throw new Error('session store down');
        },
      });
      expect(await tokenFrom(running.url)).toBeNull();
      const res = await post(running.url, 'breaker=payments&action=close', { origin: running.url });
      expect(res.status).toBe(403);
      expect(error).toHaveBeenCalledTimes(1);
    });

    it("are manual transitions in the acting request's trace", async () => {
      context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
      const exporter = new InMemorySpanExporter();
      const tracerProvider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
      try {
        const traced = new BreakerRegistry({ telemetry: { tracerProvider } });
        traced.get('payments');
        running = await serve({ registry: traced, authorize: () => true });
        const token = (await tokenFrom(running.url))!;
        const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
        const res = await post(running.url, 'breaker=payments&action=force_open', {
          origin: running.url,
          'x-tripswitch-token': token,
          traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
        });
        expect(res.status).toBe(200);
        const [span] = exporter.getFinishedSpans().filter((s) => s.name.startsWith(SPAN_TRANSITION));
        expect(span?.spanContext().traceId).toBe(traceId);
        expect(span?.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
        expect(span?.attributes).toMatchObject({ [ATTR_REASON]: 'manual' });
      } finally {
        context.disable();
        propagation.disable();
        trace.disable();
      }
    });
  });

  it('throws on bad options, naming the option and the value', () => {
    expect(() => createStatusPage({ maxClients: 0 })).toThrow(
      new RangeError('maxClients must be an integer >= 1, got 0'),
    );
    expect(() => createStatusPage({ basePath: 'breakers' })).toThrow(
      new TypeError('basePath must be a path starting with "/", got "breakers"'),
    );
    expect(() => createStatusPage({ authorize: true as never })).toThrow(
      new TypeError('authorize must be a function, got true'),
    );
    expect(() => createStatusPage({ registry: {} as never })).toThrow(/registry must be a BreakerRegistry/);
    expect(() => createStatusPage(null as never)).toThrow(TypeError);
    expect(createStatusPage({ authorize: null, maxClients: null } as never).clients).toBe(0);
  });
});

describe('adaptStatusPage()', () => {
  it('returns the adapter’s handler with the page’s clients (read live) and closeStreams()', () => {
    let inner: StatusPage<IncomingMessage> | undefined;
    const handler = adaptStatusPage({ registry: new BreakerRegistry(off) }, (page) => {
      inner = page;
      return function tripswitchStatusPage() {};
    });
    expect(handler.name).toBe('tripswitchStatusPage');
    expect(handler.clients).toBe(0);
    const clients = vi.spyOn(inner!, 'clients', 'get').mockReturnValue(3);
    const closeStreams = vi.spyOn(inner!, 'closeStreams');
    expect(handler.clients).toBe(3);
    handler.closeStreams();
    expect(closeStreams).toHaveBeenCalledOnce();
    clients.mockRestore();
  });

  it('throws on bad options before the adapter wraps anything', () => {
    const wrap = vi.fn(() => () => {});
    expect(() => adaptStatusPage({ maxClients: 0 }, wrap)).toThrow(
      new RangeError('maxClients must be an integer >= 1, got 0'),
    );
    expect(wrap).not.toHaveBeenCalled();
  });
});
