// @ts-check
/**
 * Child of the Fastify bench: `node server.js <variant>` serves GET /hello on 127.0.0.1 (a free port, printed
 * as `port <n>`) with Fastify 5 until the parent stops it; it exits by itself after 10 minutes at the latest.
 */
import circuitBreaker from '@fastify/circuit-breaker';
import { BreakerRegistry } from '@tripswitch/core';
import { tripswitch } from '@tripswitch/fastify';
import Fastify from 'fastify';

const variant = process.argv[2];
const HOUR = 3_600_000;
const RETRY_AFTER_S = String(HOUR / 1000);
const app = Fastify({ logger: false });
const hello = async () => 'ok';

if (variant === 'bare') {
  app.get('/hello', hello);
} else if (variant === 'empty-hook') {
  // Fastify's own cost of a route with an onRequest hook, which admission needs.
  app.get('/hello', { onRequest: (_request, _reply, done) => done() }, hello);
} else if (variant === 'breaker' || variant === 'breaker-open') {
  const registry = new BreakerRegistry();
  // Opened for an hour: a known end, so Retry-After, as an open breaker under load has.
  if (variant === 'breaker-open') registry.get('GET /hello').openFor(HOUR);
  await app.register(tripswitch, { registry });
  app.get('/hello', { config: { breaker: true } }, hello);
} else if (variant === 'plain-503') {
  // What the breaker's rejection sends, written by hand in the same hook.
  const body = JSON.stringify({
    error: 'circuit_open',
    breaker: 'GET /hello',
    retryAfter: Number(RETRY_AFTER_S),
  });
  app.get(
    '/hello',
    {
      onRequest(_request, reply, _done) {
        reply
          .code(503)
          .header('retry-after', RETRY_AFTER_S)
          .type('application/json; charset=utf-8')
          .send(body);
      },
    },
    hello,
  );
} else if (variant === 'fcb' || variant === 'fcb-open') {
  await app.register(circuitBreaker, { threshold: 5, resetTimeout: HOUR });
  await app.after();
  const open = variant === 'fcb-open';
  app.get('/hello', { onRequest: app.circuitBreaker() }, async (_request, reply) => {
    if (open) return reply.code(500).send('down');
    return 'ok';
  });
  if (open) for (let i = 0; i < 5; i++) await app.inject('/hello'); // its own way to open: 5 failures
} else {
  throw new Error(`no variant ${variant}`);
}

await app.listen({ port: 0, host: '127.0.0.1' });
const address = app.server.address();
process.stdout.write(`port ${typeof address === 'object' && address !== null ? address.port : 0}\n`);
// The server's CPU time per request is steadier than req/s on a shared machine: the parent reads it.
let base = process.cpuUsage();
process.on('SIGUSR2', () => {
  base = process.cpuUsage();
});
process.on('SIGTERM', () => {
  const { user, system } = process.cpuUsage(base);
  process.stdout.write(`cpu ${user + system}\n`, () => process.exit(0));
});
setTimeout(() => process.exit(1), 600_000).unref();
