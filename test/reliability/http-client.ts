import { Agent, request } from 'node:http';

/** How the client behaves while its request is out. */
export type ClientMove =
  /** waits for the whole response (or the deadline) */
  | 'wait'
  /** destroys the request after `abortMs`, whatever has happened by then */
  | 'abort'
  /** destroys the request as soon as the response headers arrive */
  | 'abort-on-headers';

/** How a client request ended. */
export type ClientResult = number | 'aborted' | 'error' | 'deadline';

/**
 * Sends one GET with node:http and ends it the way `move` says. Every request ends by `deadlineMs` at the
 * latest (destroyed), so a load loop over it is bounded in time.
 */
export function sendRequest(
  url: string,
  agent: Agent,
  move: ClientMove,
  abortMs: number,
  deadlineMs = 1_000,
): Promise<ClientResult> {
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: ClientResult) => {
      if (done) return;
      done = true;
      clearTimeout(abortTimer);
      clearTimeout(deadline);
      resolve(result);
    };
    const req = request(url, { agent }, (res) => {
      if (move === 'abort-on-headers') {
        req.destroy();
        finish('aborted');
        return;
      }
      res.on('data', () => {});
      res.on('end', () => finish(res.statusCode ?? 0));
      res.on('error', () => finish('error'));
      res.on('aborted', () => finish('error'));
    });
    req.on('error', () => finish(done ? 'aborted' : 'error'));
    req.on('close', () => finish('error'));
    const abortTimer =
      move === 'abort'
        ? setTimeout(() => {
            req.destroy();
            finish('aborted');
          }, abortMs)
        : undefined;
    const deadline = setTimeout(() => {
      req.destroy();
      finish('deadline');
    }, deadlineMs);
    req.end();
  });
}

/** A keep-alive agent for a load loop; `destroy()` it at the end. */
export function loadAgent(maxSockets: number): Agent {
  return new Agent({ keepAlive: true, maxSockets });
}

/** Runs `count` tasks with at most `concurrency` at a time; resolves when all have finished. */
export async function pooled(count: number, concurrency: number, task: (i: number) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < count) await task(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
}
