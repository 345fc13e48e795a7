// @ts-check
/**
 * A server child process for the HTTP groups. Parent side: `startServer(script, args)` runs
 * `node script ...args` and reads the port from its result line; `stopServer(child)` ends it (SIGTERM,
 * SIGKILL after 5 s). Child side: `serveForParent(handler)` listens and prints that line.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import { RESULT_MARK, report } from './child.js';

/**
 * @param {string} script @param {string[]} args @param {number} timeoutMs
 * @returns {Promise<{ child: import('node:child_process').ChildProcess, port: number }>}
 */
export function startServer(script, args, timeoutMs) {
  const what = args.join('/');
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${what} server did not start in ${timeoutMs} ms\n${err}`));
    }, timeoutMs);
    child.stderr.setEncoding('utf8').on('data', (c) => {
      err += c;
    });
    child.stdout.setEncoding('utf8').on('data', (c) => {
      out += c;
      const line = out.split('\n').find((l) => l.startsWith(RESULT_MARK));
      if (line === undefined) return;
      clearTimeout(timer);
      resolve({ child, port: JSON.parse(line.slice(RESULT_MARK.length)).port });
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${what} server exited (${code}) before listening\n${err.slice(-2000)}`));
    });
  });
}

/** @param {import('node:child_process').ChildProcess} child @returns {Promise<void>} */
export function stopServer(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) return resolve();
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    child.kill('SIGTERM');
  });
}

/**
 * In the child: serves `handler` on a free 127.0.0.1 port, reports the port to the parent, stops on
 * SIGTERM, and exits by itself after 10 minutes at the latest.
 * @param {import('node:http').RequestListener} handler
 */
export function serveForParent(handler) {
  const server = createServer(handler);
  server.listen(0, '127.0.0.1', () =>
    report({ port: /** @type {import('node:net').AddressInfo} */ (server.address()).port }),
  );
  process.on('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    process.exit(0);
  });
  setTimeout(() => process.exit(1), 600_000).unref();
}
