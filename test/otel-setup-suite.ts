import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { transformSync } from 'esbuild';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type OtlpReceiver, SPAN_KIND, startOtlpReceiver } from './e2e/otlp-receiver.js';
import { freePort, pollUntil, stopProcess } from './e2e/process.js';

// docs/telemetry.md's setup, run as a user would: the snippet (docs/otel-setup.ts) as `telemetry` loaded
// with `node --import` before an ESM Express app, and with the two `register` lines left out (as the doc
// says for CommonJS) with `node --require` before a CJS one. Each app trips a breaker; the spans go over
// OTLP/HTTP to a receiver here and the metrics are scraped from the Prometheus exporter. test/ runs it
// with the SDK 2.x line, test-sdk3/ with the 3.x line (each resolves the SDK from its own workspace).

const snippet = readFileSync(new URL('../docs/otel-setup.ts', import.meta.url), 'utf8');
const COLLECTOR = 'http://localhost:4318/v1/traces';
const METRICS = 'port: 9464';
let dir = '';

/** The snippet with the collector URL and the metrics port of this run in place of the documented ones. */
function telemetryFile(code: string, receiver: string, metricsPort: number): string {
  expect(code.split(COLLECTOR).length, 'the collector URL appears once').toBe(2);
  expect(code.split(METRICS).length, 'the metrics port appears once').toBe(2);
  return code
    .replace(COLLECTOR, `${receiver}/v1/traces`)
    .replace(METRICS, `host: "127.0.0.1", port: ${metricsPort}`);
}

const APP = `
const app = express();
app.get('/pay', breaker({ name: 'pay', failureThreshold: 2, resetTimeout: 60000 }), (req, res) => {
  res.status(500).send('down');
});
const server = app.listen(0, '127.0.0.1', () => console.log('port ' + server.address().port));
`;

function write(name: string, code: string): string {
  const file = join(dir, name);
  writeFileSync(file, code);
  return file;
}

interface Run {
  readonly statuses: number[];
  readonly metrics: string;
  readonly receiver: OtlpReceiver;
}

/** Starts `node <flags> app`, trips the breaker with three requests, scrapes /metrics, stops it by SIGTERM. */
async function run(telemetry: { file: string; code: string }, flag: string, app: string): Promise<Run> {
  const receiver = await startOtlpReceiver();
  const metricsPort = await freePort();
  write(telemetry.file, telemetryFile(telemetry.code, receiver.endpoint, metricsPort));
  let child: ChildProcess | undefined;
  try {
    child = spawn(process.execPath, [flag, `./${telemetry.file}`, app], {
      cwd: dir,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await pollUntil('the app to listen', 60_000, async () => /port \d+/.test(out));
    const port = /port (\d+)/.exec(out)![1];
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await fetch(`http://127.0.0.1:${port}/pay`)).status);
    const metrics = await (await fetch(`http://127.0.0.1:${metricsPort}/metrics`)).text();
    const exited = new Promise<number | null>((resolve) => child!.once('exit', resolve));
    child.kill('SIGTERM'); // the snippet's handler shuts the SDK down, which flushes the spans
    expect(await exited).toBe(0);
    return { statuses, metrics, receiver };
  } finally {
    if (child !== undefined) await stopProcess(child);
    await receiver.close();
  }
}

const esm = transformSync(snippet, { loader: 'ts', format: 'esm' }).code;
const withoutRegister = snippet
  .split('\n')
  .filter((line) => !/\bregister\b/.test(line) || line.trimStart().startsWith('//'))
  .join('\n');
const cjs = transformSync(withoutRegister, { loader: 'ts', format: 'cjs' }).code;

/**
 * The documented setup, run in a temporary folder inside `workspace` (so the app files resolve that
 * workspace's OpenTelemetry SDK line and Express, as an app's would). `line` names the SDK line.
 */
export function describeDocumentedSetup(workspace: URL, line: string): void {
  describe(`the documented sdk-node setup (docs/otel-setup.ts) as written, SDK ${line}`, () => {
    let esmRun: Run;
    let cjsRun: Run;
    let unhookedRun: Run;

    beforeAll(async () => {
      dir = mkdtempSync(join(fileURLToPath(workspace), '.otel-setup-'));
      const esmApp = write(
        'app.mjs',
        `import express from 'express';\nimport { breaker } from '@tripswitch/express';\n${APP}`,
      );
      const cjsApp = write(
        'app.cjs',
        `const express = require('express');\nconst { breaker } = require('@tripswitch/express');\n${APP}`,
      );
      const unhooked = transformSync(withoutRegister, { loader: 'ts', format: 'esm' }).code;
      esmRun = await run({ file: 'telemetry.mjs', code: esm }, '--import', esmApp);
      cjsRun = await run({ file: 'telemetry.cjs', code: cjs }, '--require', cjsApp);
      unhookedRun = await run({ file: 'telemetry-unhooked.mjs', code: unhooked }, '--import', esmApp);
    }, 60_000);

    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('leaves out exactly the two register lines for CommonJS', () => {
      expect(snippet.split('\n').length - withoutRegister.split('\n').length).toBe(2);
    });

    describe.each([
      ['an ESM app with node --import', () => esmRun],
      ['a CommonJS app with node --require', () => cjsRun],
    ])('%s', (_, result) => {
      it('trips the breaker: 500, 500, then 503', () => {
        expect(result().statuses).toEqual([500, 500, 503]);
      });

      it('exports the Express spans and the reject span inside the request span', () => {
        const { spans } = result().receiver;
        const reject = spans.find((s) => s.name === 'circuit_breaker.reject pay');
        expect(reject, spans.map((s) => s.name).join(', ')).toBeDefined();
        // Its parent is Express's middleware span (the breaker is a middleware), inside the HTTP server span.
        const kinds: number[] = [];
        for (let p = reject!.parentSpanId; p !== undefined; ) {
          const parent = spans.find((s) => s.spanId === p);
          if (parent === undefined) break;
          kinds.push(parent.kind);
          p = parent.parentSpanId;
        }
        expect(kinds.at(-1)).toBe(SPAN_KIND.SERVER);
        expect(spans.some((s) => s.name.startsWith('request handler') && s.traceId === reject!.traceId)).toBe(
          true,
        );
        expect(spans.some((s) => s.name === 'circuit_breaker.transition pay')).toBe(true);
      });

      it('serves the breaker metrics to Prometheus', () => {
        const { metrics } = result();
        expect(metrics).toMatch(
          /tripswitch_breaker_calls_total\{[^}]*tripswitch_breaker_name="pay"[^}]*\} \d/,
        );
        expect(metrics).toMatch(/tripswitch_breaker_status\{[^}]*tripswitch_breaker_state="open"[^}]*\} 1/);
      });
    });

    it('without the register lines an ESM app gets no Express spans (why the doc has them)', () => {
      const { spans } = unhookedRun.receiver;
      expect(unhookedRun.statuses).toEqual([500, 500, 503]);
      expect(spans.some((s) => s.name === 'circuit_breaker.reject pay')).toBe(true);
      expect(spans.filter((s) => s.name.startsWith('request handler'))).toEqual([]);
    });
  });
}
