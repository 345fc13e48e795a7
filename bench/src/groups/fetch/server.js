// @ts-check
/**
 * Child of the fetch group: `node server.js` serves `ok` on 127.0.0.1 (a free port, printed on the result
 * line) until the parent stops it; it exits by itself after 10 minutes at the latest.
 */
import { createServer } from 'node:http';
import { report } from '../../lib/child.js';

const server = createServer((_req, res) => {
  res.end('ok');
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  const address = server.address();
  report({ port: typeof address === 'object' && address !== null ? address.port : 0 });
});
setTimeout(() => process.exit(0), 600_000).unref();
process.on('SIGTERM', () => process.exit(0));
