import type { CircuitOpenError } from '@tripswitch/core';
import Fastify, { type FastifyReply, type FastifyRequest } from 'fastify';
import { expectTypeOf, test } from 'vitest';
import { breakerHealth } from './health.js';
import type { RouteBreakerConfig } from './options.js';
import { tripswitch } from './tripswitch.js';

test('route config.breaker is type-checked', async () => {
  const app = Fastify();
  await app.register(tripswitch, { failureThreshold: 5, allRoutes: false });
  app.get('/a', { config: { breaker: true } }, async () => 'a');
  app.get('/b', { config: { breaker: { failureThreshold: 3, rejectWith: 'error' } } }, async () => 'b');
  app.route({ method: 'GET', url: '/c', config: { breaker: false }, handler: async () => 'c' });
  // @ts-expect-error failureThreshold is a number
  app.get('/d', { config: { breaker: { failureThreshold: '3' } } }, async () => 'd');
  // @ts-expect-error rejectWith is 'response' or 'error'
  app.get('/e', { config: { breaker: { rejectWith: 'throw' } } }, async () => 'e');
  app.get('/f', {
    config: {
      breaker: {
        isFailure: (request, reply, error) => {
          expectTypeOf(request).toEqualTypeOf<FastifyRequest>();
          expectTypeOf(error).toEqualTypeOf<unknown>();
          return reply.statusCode >= 500;
        },
      },
    },
    handler: async () => 'f',
  });
  // Fastify infers route config from the literal, so unknown keys are caught where the options are typed:
  // @ts-expect-error not an option of a breaker
  const unknownKey: RouteBreakerConfig = { nope: true };
  // @ts-expect-error timeout only applies to execute(), not to a route
  const executeOnly: RouteBreakerConfig = { timeout: 100 };
  // @ts-expect-error true, false or options
  const notOptions: RouteBreakerConfig = 'yes';
  expectTypeOf(unknownKey).not.toBeAny();
  expectTypeOf(executeOnly).not.toBeAny();
  expectTypeOf(notOptions).not.toBeAny();
  app.get('/health', breakerHealth({ failWhenOpen: true }));
  expectTypeOf<
    NonNullable<import('fastify').FastifyContextConfig['breaker']>
  >().toEqualTypeOf<RouteBreakerConfig>();
});

test('the plugin options are type-checked, with typed hooks', async () => {
  const app = Fastify();
  await app.register(tripswitch, {
    allRoutes: true,
    isFailure: (request, reply, error) => {
      expectTypeOf(request).toEqualTypeOf<FastifyRequest>();
      expectTypeOf(reply).toEqualTypeOf<FastifyReply>();
      expectTypeOf(error).toEqualTypeOf<unknown>();
      return reply.statusCode >= 500;
    },
    onReject: (_request, reply, error) => {
      expectTypeOf(error).toEqualTypeOf<CircuitOpenError>();
      reply.code(429).send('busy');
    },
  });
  // @ts-expect-error rejectWith is 'response' or 'error'
  await app.register(tripswitch, { rejectWith: 'throw' });
  // @ts-expect-error allRoutes is a boolean
  await app.register(tripswitch, { allRoutes: 1 });
});
