// @ts-check
/** Child of the fetch group: `node server.js` serves `ok` on 127.0.0.1 until the parent stops it. */
import { serveForParent } from '../../lib/server-process.js';

serveForParent((_req, res) => {
  res.end('ok');
});
