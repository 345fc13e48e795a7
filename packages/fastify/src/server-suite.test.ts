import { createRequire } from 'node:module';
import { type FrameworkMajor, frameworkMajors } from '@tripswitch/testkit/framework-majors';
import { describeServerAdapter } from '@tripswitch/testkit/server-suite';
import type {
  Exchange,
  ServerSuiteDriver,
  SuiteBreakerOptions,
  SuiteRoute,
} from '@tripswitch/testkit/server-suite-driver';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { breakerHealth } from './health.js';
import type { RouteBreakerOptions } from './options.js';
import { tripswitch } from './tripswitch.js';

const require = createRequire(import.meta.url);
type FastifyFactory = typeof import('fastify').default;

function exchange(request: FastifyRequest, reply: FastifyReply): Exchange {
  const query = request.query as Record<string, unknown>;
  return {
    res: reply.raw,
    query: (name) => (typeof query[name] === 'string' ? query[name] : undefined),
    send: (status, body = '') => void reply.code(status).send(body),
    pass: (error) => void reply.send(error),
    writePartial: () => {
      reply.hijack();
      reply.raw.writeHead(200);
      reply.raw.write('partial');
    },
  };
}

function routeOptions(o: SuiteBreakerOptions): RouteBreakerOptions {
  const { isFailure, onReject, ...rest } = o;
  return {
    ...rest,
    ...(isFailure && { isFailure: (_request, reply, error) => isFailure(reply.statusCode, error) }),
    ...(onReject && { onReject: (request, reply, error) => onReject(error, exchange(request, reply)) }),
  };
}

/** Adds `r` inside one encapsulated plugin per prefix, so the route's url carries all of them. */
async function addRoute(scope: FastifyInstance, r: SuiteRoute, prefixes: readonly string[]): Promise<void> {
  const [prefix, ...inner] = prefixes;
  if (prefix !== undefined) {
    await scope.register((child) => addRoute(child, r, inner), { prefix });
    return;
  }
  scope.route({
    method: r.method,
    url: r.path,
    config: { breaker: routeOptions(r.breaker) },
    // Not async: a synchronous throw stays one; a handler's promise resolves to the reply it answers on.
    handler: (request, reply) => {
      const done = r.handler(exchange(request, reply));
      return done === undefined ? undefined : done.then(() => reply);
    },
  });
}

/** The suite's driver for `@tripswitch/fastify` on one Fastify major. */
function fastifyDriver({ module: Fastify, ...framework }: FrameworkMajor<FastifyFactory>): ServerSuiteDriver {
  return {
    ...framework,
    asyncHandlerErrors: true,
    async serve(spec) {
      const app = Fastify({ forceCloseConnections: true });
      const errors: unknown[] = [];
      // Records what reaches error handling and leaves the answer to Fastify's default handler.
      app.addHook('onError', (_request, _reply, error, done) => {
        errors.push(error);
        done();
      });
      const before = spec.before;
      if (before !== undefined) {
        app.addHook('onRequest', (request, reply, done) => {
          before(request.raw, reply.raw).then(() => done(), done);
        });
      }
      await app.register(tripswitch);
      for (const [path, options] of Object.entries(spec.health ?? {})) app.get(path, breakerHealth(options));
      for (const r of spec.routes ?? []) await addRoute(app, r, r.prefixes ?? []);
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as { port: number };
      return { url: `http://127.0.0.1:${port}`, errors, close: () => app.close() };
    },
  };
}

for (const fastify of frameworkMajors<FastifyFactory>(require, 'fastify', 'Fastify', [4, 5])) {
  describeServerAdapter(fastifyDriver(fastify));
}
