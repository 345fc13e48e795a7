import type { RouteBreakerConfig } from './options.js';

declare module 'fastify' {
  interface FastifyContextConfig {
    /**
     * Puts this route behind a circuit breaker of the `@tripswitch/fastify` plugin: `true` with the
     * plugin's options, an object to override some of them, `false` to opt out of `allRoutes`.
     */
    breaker?: RouteBreakerConfig;
  }
}
