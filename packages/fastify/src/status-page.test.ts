import { createRequire } from 'node:module';
import { BreakerRegistry } from '@tripswitch/core';
import { openEventStream } from '@tripswitch/testkit';
import { describeStatusPage, type StatusPageDriver } from '@tripswitch/testkit/status-page-suite';
import type { FastifyRequest } from 'fastify';
import { describe, expect, it } from 'vitest';
import { breakerStatusPage } from './status-page.js';

const require = createRequire(import.meta.url);
type FastifyFactory = typeof import('fastify').default;

function fastifyStatusPage(pkg: string): StatusPageDriver {
  const Fastify = require(pkg) as FastifyFactory;
  return {
    label: pkg,
    async serve({ registry, prefixed, authorize }) {
      const app = Fastify();
      const page = breakerStatusPage({
        registry,
        ...(authorize && {
          authorize: (request: FastifyRequest) => authorize(request.headers['x-role'] as string | undefined),
        }),
      });
      // The prefix the plugin is registered with.
      const prefix = prefixed ? '/ops' : '';
      app.get(`${prefix}/other`, async () => 'app');
      await app.register(page, { prefix });
      await app.listen({ port: 0, host: '127.0.0.1' });
      const url = `http://127.0.0.1:${(app.server.address() as { port: number }).port}`;
      return { url, prefix, page, close: () => app.close() };
    },
  };
}

for (const pkg of ['fastify4', 'fastify5']) {
  const driver = fastifyStatusPage(pkg);
  describeStatusPage(driver);

  describe(`breakerStatusPage() plugin on ${pkg}`, () => {
    it('ends its streams when the app closes, so close() does not wait for open pages', async () => {
      const registry = new BreakerRegistry({ telemetry: { enabled: false } });
      const { url, page, close } = await driver.serve({ registry, prefixed: false });
      const stream = await openEventStream(`${url}/breakers/stream`);
      await stream.next('init');
      await close();
      expect(page.clients).toBe(0);
      await expect(stream.next('tick')).rejects.toThrow(/ended/);
    });
  });
}
