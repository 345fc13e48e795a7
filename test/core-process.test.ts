import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Runs `source` as an ES module in a fresh Node process (resolving packages from test/); bounded. */
function runModule(
  source: string,
  boundMs = 10_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', source], { cwd: here });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
    });
    child.stderr.on('data', (d: Buffer) => {
      stderr += d;
    });
    const bound = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`the process did not exit within ${boundMs} ms; stdout: ${stdout}`));
    }, boundMs);
    child.on('error', reject);
    child.on('exit', (code) => {
      clearTimeout(bound);
      resolve({ code, stdout, stderr });
    });
  });
}

describe('@tripswitch/core in a real process', () => {
  it('keeps the process alive while a call is pending, so its timeout fires; nothing holds it after', async () => {
    const { code, stdout, stderr } = await runModule(`
      import { CircuitBreaker } from '@tripswitch/core';
      const breaker = new CircuitBreaker({ name: 'script', timeout: 100 });
      const started = performance.now();
      breaker.execute(() => new Promise(() => {})).then(
        () => console.log('resolved?'),
        (error) => console.log(error.code, breaker.getMetrics().inFlight, Math.round(performance.now() - started) >= 90),
      );
    `);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('CALL_TIMEOUT 0 true');
  });
});
