// @ts-check
import { spawn } from 'node:child_process';

/** Marks the line a child process prints its result on; anything else it prints is progress. */
export const RESULT_MARK = '@@bench-result ';

/** Called by a child: prints its result for the parent. */
export function report(result) {
  process.stdout.write(`${RESULT_MARK}${JSON.stringify(result)}\n`);
}

/**
 * Runs `node [nodeArgs] script [args]` with a time limit and returns its result line, parsed. The child
 * is killed (by its pid: we started it) when the limit passes, so no run can hang the benchmark.
 * @param {string} script @param {string[]} [args]
 * @param {{ nodeArgs?: string[], timeoutMs?: number, env?: NodeJS.ProcessEnv }} [options]
 * @returns {Promise<{ result: any, code: number | null, signal: NodeJS.Signals | null, timedOut: boolean, ms: number, stderr: string, stdout: string }>}
 */
export function runNode(script, args = [], { nodeArgs = [], timeoutMs = 60_000, env } = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, script, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: env ?? process.env,
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.setEncoding('utf8').on('data', (chunk) => {
      stderr += chunk;
    });
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      const line = stdout.split('\n').find((l) => l.startsWith(RESULT_MARK));
      let result;
      try {
        result = line === undefined ? undefined : JSON.parse(line.slice(RESULT_MARK.length));
      } catch {
        result = undefined;
      }
      resolve({
        result,
        code,
        signal,
        timedOut,
        ms: performance.now() - started,
        stderr: stderr.trim(),
        stdout: stdout.trim(),
      });
    });
  });
}

/** Like {@link runNode}, but throws with the child's stderr when it failed or printed no result. */
export async function runNodeOrThrow(script, args, options) {
  const run = await runNode(script, args, options);
  if (run.result === undefined || run.code !== 0) {
    const why = run.timedOut
      ? `timed out after ${options?.timeoutMs ?? 60_000} ms`
      : `exited ${run.code ?? run.signal}`;
    throw new Error(`${script} ${args.join(' ')} ${why}\n${run.stderr.slice(-2000)}`);
  }
  return run.result;
}
