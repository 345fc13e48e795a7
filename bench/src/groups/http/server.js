// @ts-check
/**
 * Child of the HTTP group: `node server.js <express|koa> <variant>` serves GET /hello on 127.0.0.1 (a free
 * port, printed on the result line) until the parent stops it; it exits by itself after 10 minutes at
 * the latest. Variants: bare, breaker, opossum (closed) and plain-503, breaker-open, opossum-open (open).
 */
import { BreakerRegistry } from '@tripswitch/core';
import { serveForParent } from '../../lib/server-process.js';
import { HOUR, opossum } from '../../lib/subjects.js';

const [framework, variant] = process.argv.slice(2);
const NAME = 'bench';
const RETRY_AFTER_S = HOUR / 1000;
const REJECTION = JSON.stringify({ error: 'circuit_open', breaker: NAME, retryAfter: RETRY_AFTER_S });

/** The breaker the middleware finds by name; the open variant opens it for an hour (a known end, so Retry-After). */
function registryFor(v) {
  const registry = new BreakerRegistry();
  if (v === 'breaker-open') registry.get(NAME).openFor(HOUR);
  return registry;
}

/** An opossum breaker around the handler; open for the open variant. */
function opossumFor(v, action) {
  const b = opossum(action);
  if (v === 'opossum-open') b.open();
  return b;
}

async function expressApp(v) {
  const { default: express } = await import('express');
  const { breaker } = await import('@tripswitch/express');
  const app = express();
  const hello = function hello(_req, res) {
    res.send('ok');
  };
  // The same response as the breaker's default rejection, written by hand and synchronously.
  const plain503 = function plain503(_req, res) {
    res.statusCode = 503;
    res.setHeader('Content-Type', 'application/json; charset=utf-8');
    res.setHeader('Retry-After', String(RETRY_AFTER_S));
    res.end(REJECTION);
  };
  if (v === 'bare') app.get('/hello', hello);
  else if (v === 'breaker' || v === 'breaker-open')
    app.get('/hello', breaker({ name: NAME, registry: registryFor(v) }), hello);
  else if (v === 'opossum' || v === 'opossum-open') {
    const b = opossumFor(v, async (req, res) => hello(req, res));
    app.get('/hello', function viaOpossum(req, res, next) {
      b.fire(req, res).catch((error) => (v === 'opossum-open' ? plain503(req, res) : next(error)));
    });
  } else if (v === 'plain-503') app.get('/hello', plain503, hello);
  else throw new Error(`no variant ${v}`);
  return app;
}

async function koaApp(v) {
  const { default: Koa } = await import('koa');
  const { default: Router } = await import('@koa/router');
  const { breaker } = await import('@tripswitch/koa');
  const app = new Koa();
  const router = new Router();
  const hello = function hello(ctx) {
    ctx.body = 'ok';
  };
  const plain503 = function plain503(ctx) {
    ctx.status = 503;
    ctx.set('Retry-After', String(RETRY_AFTER_S));
    ctx.type = 'application/json; charset=utf-8';
    ctx.body = REJECTION;
  };
  if (v === 'bare') router.get('/hello', hello);
  else if (v === 'breaker' || v === 'breaker-open')
    router.get('/hello', breaker({ name: NAME, registry: registryFor(v) }), hello);
  else if (v === 'opossum' || v === 'opossum-open') {
    const b = opossumFor(v, async (ctx) => hello(ctx));
    router.get('/hello', function viaOpossum(ctx) {
      return b.fire(ctx).catch((error) => {
        if (v === 'opossum-open') plain503(ctx);
        else throw error;
      });
    });
  } else if (v === 'plain-503') router.get('/hello', plain503, hello);
  else throw new Error(`no variant ${v}`);
  app.use(router.routes());
  return app.callback();
}

const handler =
  framework === 'express'
    ? await expressApp(variant)
    : framework === 'koa'
      ? await koaApp(variant)
      : undefined;
if (handler === undefined) throw new Error(`no framework ${framework}`);
serveForParent(handler);
