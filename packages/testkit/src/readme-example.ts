import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { transform } from 'esbuild';
import { afterAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

/**
 * The example every server adapter's README opens with (a ```js block starting `// app.mjs`), run as
 * the README says and checked against what its console block shows: three 502s from `/users/bad` trip
 * the route's breaker, `/users/42` then gets the 503 with `Retry-After: 10` and the JSON body,
 * `/orders` keeps working, and `/health/breakers` says DEGRADED with the route's breaker open. The app listens on `PORT` (0 here)
 * and prints `listening on <url>`. The README's ```ts programs (the status page example) run too: each
 * serves `GET /users/:id` beside the page and prints the route's breaker from `snapshot.json`.
 *
 * @param packageDir - the adapter's folder: the app file is written there, so its imports resolve as
 *   they do for a user of the package.
 */
export function describeServerReadmeExample(packageDir: URL): void {
  const readme = readFileSync(new URL('README.md', packageDir), 'utf8');
  const dir = mkdtempSync(join(fileURLToPath(packageDir), '.readme-'));
  let child: ChildProcess | undefined;
  afterAll(() => {
    if (child?.exitCode === null) child.kill();
    rmSync(dir, { recursive: true, force: true });
  });

  describe('README example', () => {
    it('runs and answers as the README shows', async () => {
      const code = /```js\n(\/\/ app\.mjs[\s\S]*?)```/.exec(readme)?.[1];
      expect(code, 'a ```js block starting with // app.mjs').toBeDefined();
      const file = join(dir, 'app.mjs');
      writeFileSync(file, code!);
      const started = spawn(process.execPath, [file], { env: { ...process.env, PORT: '0' }, stdio: 'pipe' });
      child = started;
      const address = await new Promise<string>((resolve, reject) => {
        let out = '';
        started.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
          out += chunk;
          const m = /listening on (\S+)/.exec(out);
          if (m) resolve(m[1]!);
        });
        started.once('exit', (status) => reject(new Error(`the example exited with ${status}`)));
      });
      for (let i = 0; i < 3; i++) {
        const failed = await fetch(`${address}/users/bad`);
        expect(failed.status).toBe(502);
        expect(await failed.json()).toEqual({ error: 'upstream failed' });
      }
      const rejected = await fetch(`${address}/users/42`);
      expect(rejected.status).toBe(503);
      // resetTimeout is 10 s: 10 unless the machine took over a second between the trip and this request.
      const retryAfter = Number(rejected.headers.get('retry-after'));
      expect([9, 10]).toContain(retryAfter);
      expect(await rejected.json()).toEqual({ error: 'circuit_open', breaker: 'GET /users/:id', retryAfter });
      expect(await (await fetch(`${address}/orders`)).json()).toEqual([]);
      const health = await fetch(`${address}/health/breakers`);
      const body = (await health.json()) as { status: string; breakers: Record<string, { state: string }> };
      expect(body.status).toBe('DEGRADED');
      expect(body.breakers['GET /users/:id']?.state).toBe('open');
    }, 30_000); // a child process and a few requests: seconds on a loaded machine

    it('runs its ```ts programs, which print the route’s breaker from the status page', async () => {
      const programs = [...readme.matchAll(/```ts\n([\s\S]*?)```/g)]
        .map((m) => m[1] as string)
        .filter((code) => /from '@tripswitch\//.test(code));
      expect(programs.length).toBeGreaterThanOrEqual(1);
      for (const [i, code] of programs.entries()) {
        const { code: js } = await transform(code, { loader: 'ts', format: 'esm', target: 'node20' });
        const file = join(dir, `program-${i + 1}.mjs`);
        writeFileSync(file, js);
        const { stdout, stderr } = await run(process.execPath, [file], { timeout: 20_000 });
        expect(stderr).toBe('');
        expect(stdout).toContain('GET /users/:id: closed');
      }
    }, 30_000);
  });
}
