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

  // Both builds in one process against the built dist, each loaded first in turn: the dual-package hazard.
  const bothLoaders = (esmFirst: boolean) => `
    import { createRequire } from 'node:module';
    const require = createRequire(import.meta.url);
    const load = async () => {
      if (${esmFirst}) {
        const esm = await import('@tripswitch/core');
        return { esm, cjs: require('@tripswitch/core') };
      }
      const cjs = require('@tripswitch/core');
      return { cjs, esm: await import('@tripswitch/core') };
    };
    const { esm, cjs } = await load();
    const { healthReport } = await import('@tripswitch/core/http');
    const out = { sameRegistry: esm.defaultRegistry === cjs.defaultRegistry, sameClasses: esm.CircuitOpenError === cjs.CircuitOpenError };
    const payments = cjs.getBreaker('payments', { failureThreshold: 1, telemetry: { enabled: false } });
    out.seenFromEsm = esm.getAllBreakers().map((b) => b.name);
    await payments.execute(() => Promise.reject(new Error('down'))).catch(() => {});
    const rejection = await payments.execute(() => 1).catch((e) => e);
    out.rejectionIsEsmError = rejection instanceof esm.CircuitOpenError && rejection instanceof esm.CircuitBreakerError && rejection instanceof Error;
    out.health = healthReport(esm.defaultRegistry).status;
    const quick = new esm.CircuitBreaker({ name: 'quick', timeout: 1, telemetry: { enabled: false } });
    const timeout = await quick.execute(() => new Promise(() => {})).catch((e) => e);
    out.timeoutIsCjsError = timeout instanceof cjs.CallTimeoutError;
    console.log(JSON.stringify(out));
  `;

  it.each([
    ['ESM', true],
    ['CJS', false],
  ])(
    'shares the default registry and the error classes between the ESM and CJS builds (%s loaded first)',
    async (_, esmFirst) => {
      const { code, stdout, stderr } = await runModule(bothLoaders(esmFirst));
      expect(stderr).toBe('');
      expect(code).toBe(0);
      expect(JSON.parse(stdout)).toEqual({
        sameRegistry: true,
        sameClasses: true,
        seenFromEsm: ['payments'],
        rejectionIsEsmError: true,
        health: 'DEGRADED',
        timeoutIsCjsError: true,
      });
    },
  );
});
