import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { stopProcess } from './process.js';

export const DEMO_MAIN = fileURLToPath(new URL('../../examples/demo/dist/main.js', import.meta.url));

/** When the demo said the upstream changed mode (wall clock, ms). */
export interface PhaseChange {
  readonly mode: string;
  readonly atMs: number;
}

export interface Transition {
  readonly breaker: string;
  readonly from: string;
  readonly to: string;
  readonly reason: string;
}

export interface DemoProcess {
  readonly pid: number;
  readonly phases: PhaseChange[];
  readonly transitions: Transition[];
  /** Everything it printed, for failure messages. */
  output(): string;
  /** Resolves with the exit code when the demo ends by itself. */
  readonly exited: Promise<number | null>;
  stop(): Promise<void>;
}

const PHASE = /upstream is (\w+):/;
const TRANSITION = /^\s*[\d.]+s {2}(.+?)\s+(\w+) → (\w+) {2}\((\w+)\)$/;

/** Starts `examples/demo` (built) with `args`, in plain-line mode, and follows what it prints. */
export function startDemo(args: readonly string[], env: Record<string, string>): DemoProcess {
  const child: ChildProcess = spawn(process.execPath, [DEMO_MAIN, '--plain', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const phases: PhaseChange[] = [];
  const transitions: Transition[] = [];
  let output = '';
  let partial = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
    const lines = (partial + chunk.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      const phase = PHASE.exec(line);
      if (phase !== null) phases.push({ mode: phase[1]!, atMs: Date.now() });
      const t = TRANSITION.exec(line);
      if (t !== null) transitions.push({ breaker: t[1]!, from: t[2]!, to: t[3]!, reason: t[4]! });
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  return {
    pid: child.pid!,
    phases,
    transitions,
    output: () => output,
    exited: new Promise((resolve) => child.once('exit', (code) => resolve(code))),
    stop: () => stopProcess(child),
  };
}
