import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const here = new URL('.', import.meta.url).pathname;
const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
// In the package, so `@tripswitch/fastify` and `fastify` resolve to the workspace's.
const dir = mkdtempSync(join(here, '..', '.readme-'));
let child: ChildProcess | undefined;
afterAll(() => {
  if (child?.exitCode === null) child.kill();
  rmSync(dir, { recursive: true, force: true });
});

describe('README example', () => {
  it('runs and behaves as the README says', async () => {
    const code = /```js\n(\/\/ app\.mjs[\s\S]*?)```/.exec(readme)?.[1];
    expect(code).toBeDefined();
    const file = join(dir, 'app.mjs');
    writeFileSync(file, code as string);
    const started = spawn(process.execPath, [file], { env: { ...process.env, PORT: '0' }, stdio: 'pipe' });
    child = started;
    const address = await new Promise<string>((resolve, reject) => {
      let out = '';
      started.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
        out += chunk;
        const m = /listening on (\S+)/.exec(out);
        if (m) resolve(m[1] as string);
      });
      started.once('exit', (status) => reject(new Error(`example exited ${status}`)));
    });
    for (let i = 0; i < 3; i++) expect((await fetch(`${address}/users/bad`)).status).toBe(502);
    const rejected = await fetch(`${address}/users/42`);
    expect(rejected.status).toBe(503);
    // resetTimeout is 10 s: 10 unless the machine took over a second between the trip and this request.
    const retryAfter = Number(rejected.headers.get('retry-after'));
    expect([9, 10]).toContain(retryAfter);
    expect(await rejected.json()).toEqual({ error: 'circuit_open', breaker: 'GET /users/:id', retryAfter });
    expect(await (await fetch(`${address}/orders`)).json()).toEqual([]);
    const health = (await (await fetch(`${address}/health/breakers`)).json()) as { status: string };
    expect(health.status).toBe('DEGRADED');
  }, 30_000); // a child process and a few requests: seconds on a loaded machine
});
