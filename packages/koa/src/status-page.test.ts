import { createRequire } from 'node:module';
import type { Router as RouterClass } from '@koa/router';
import { describeStatusPage } from '@tripswitch/testkit/status-page-suite';
import type Koa from 'koa';
import { breakerStatusPage } from './status-page.js';
import { listen } from './test-support.js';

const require = createRequire(import.meta.url);
const Router = require('@koa/router') as typeof RouterClass;

for (const pkg of ['koa2', 'koa3']) {
  const KoaApp = require(pkg) as typeof Koa;
  describeStatusPage({
    label: pkg,
    async serve({ registry, prefixed, authorize }) {
      const app = new KoaApp();
      // authorize() is given the Koa context: here the role an earlier middleware put in ctx.state.
      app.use(async (ctx, next) => {
        ctx.state.role = ctx.get('x-role');
        await next();
      });
      // Koa has no mount path of its own: the page's basePath carries the prefix.
      const prefix = prefixed ? '/ops' : '';
      const page = breakerStatusPage({
        registry,
        basePath: `${prefix}/breakers`,
        ...(authorize && { authorize: (ctx: Koa.Context) => authorize(ctx.state.role) }),
      });
      const router = new Router();
      router.get(`${prefix}/other`, (ctx) => {
        ctx.body = 'app';
      });
      app.use(page).use(router.routes());
      const server = await listen(app.callback());
      return { url: server.url, prefix, page, close: server.close };
    },
  });
}
