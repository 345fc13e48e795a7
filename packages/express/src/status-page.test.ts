import { createRequire } from 'node:module';
import { describeStatusPage } from '@tripswitch/testkit/status-page-suite';
import type { Request } from 'express';
import { breakerStatusPage } from './status-page.js';
import { listen } from './test-support.js';

const require = createRequire(import.meta.url);

for (const pkg of ['express4', 'express5']) {
  const express = require(pkg) as typeof import('express');
  describeStatusPage({
    label: pkg,
    async serve({ registry, prefixed, authorize }) {
      const app = express();
      const page = breakerStatusPage({
        registry,
        ...(authorize && { authorize: (req: Request) => authorize(req.get('x-role')) }),
      });
      // Under a mount path, which the page never sees: its URLs are relative.
      const prefix = prefixed ? '/admin' : '';
      if (prefixed) app.use(prefix, page);
      else app.use(page);
      app.get(`${prefix}/other`, (_req, res) => {
        res.send('app');
      });
      const server = await listen(app);
      return { url: server.url, prefix, page, close: server.close };
    },
  });
}
