import type { BreakerRegistry, CircuitBreaker, Unsubscribe } from '@tripswitch/core';
import { type Row, renderTable } from './table.js';

const TICK_MS = 250;
/** calls/s is measured over the last second: this many ticks. */
const RATE_TICKS = 1000 / TICK_MS;
/** Without a terminal, the table is printed this often instead of redrawn. */
const PLAIN_TABLE_EVERY_MS = 5000;

export interface ViewOptions {
  readonly registry: BreakerRegistry;
  /** Redraw in place (a terminal) or print plain lines (CI logs, pipes). */
  readonly live: boolean;
  readonly color: boolean;
  /** A line under the table: what the demo is doing right now. */
  readonly status: () => string;
}

const calls = (b: CircuitBreaker<unknown>): number => {
  const m = b.getMetrics();
  return m.successCount + m.failureCount + m.ignoredCount + m.rejectedCount;
};

/**
 * The terminal view: a table of every breaker in the registry, redrawn in place four times a second, with
 * log lines (transitions, phase changes, traces) scrolling above it. Reading a breaker's metrics also lets
 * an open breaker whose reset timeout has passed move to half_open, so those transitions show up on time.
 */
export class View {
  private readonly started = performance.now();
  private readonly history = new Map<string, number[]>();
  private readonly watching = new Map<string, Unsubscribe>();
  private drawnLines = 0;
  /** The table as last rendered: log lines redraw it without reading the breakers again. */
  private lastLines: string[] = [];
  private lastPlainTable = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly options: ViewOptions) {}

  start(): void {
    this.lastPlainTable = performance.now();
    this.timer = setInterval(() => this.tick(), TICK_MS);
  }

  /** Seconds since the start, as printed in front of every line. */
  elapsed(): string {
    return `${((performance.now() - this.started) / 1000).toFixed(1).padStart(5)}s`;
  }

  /** Prints a line above the table. */
  log(text: string): void {
    this.erase();
    process.stdout.write(`${this.elapsed()}  ${text}\n`);
    this.draw(this.lastLines);
  }

  /** Stops redrawing and prints the table one last time. */
  stop(): void {
    clearInterval(this.timer);
    this.sample();
    const lines = this.lines();
    for (const unsubscribe of this.watching.values()) unsubscribe();
    if (this.options.live) {
      this.erase();
      this.draw(lines);
    } else {
      this.printTable(lines);
    }
    this.drawnLines = 0;
  }

  private tick(): void {
    this.sample();
    // Rendered before erasing: reading the breakers may log transitions, which redraw on their own.
    const lines = this.lines();
    if (this.options.live) {
      this.erase();
      this.draw(lines);
    } else if (performance.now() - this.lastPlainTable >= PLAIN_TABLE_EVERY_MS) {
      this.lastPlainTable = performance.now();
      this.printTable(lines);
    }
  }

  private sample(): void {
    for (const breaker of this.options.registry.all()) this.watch(breaker);
    for (const breaker of this.options.registry.all()) {
      const samples = this.history.get(breaker.name) ?? [];
      samples.push(calls(breaker));
      if (samples.length > RATE_TICKS + 1) samples.shift();
      this.history.set(breaker.name, samples);
    }
  }

  private watch(breaker: CircuitBreaker<unknown>): void {
    if (this.watching.has(breaker.name)) return;
    const unsubscribe = breaker.on('stateChange', ({ from, to, reason }) => {
      this.log(`${breaker.name.padEnd(20)} ${from} → ${to}  (${reason})`);
    });
    this.watching.set(breaker.name, unsubscribe);
  }

  private rows(): Row[] {
    return this.options.registry.all().map((breaker) => {
      const samples = this.history.get(breaker.name) ?? [];
      const span = Math.max(samples.length - 1, 1);
      const delta = (samples.at(-1) ?? 0) - (samples[0] ?? 0);
      return { metrics: breaker.getMetrics(), callsPerSecond: (delta * 1000) / (span * TICK_MS) };
    });
  }

  private lines(): string[] {
    this.lastLines = [...renderTable(this.rows(), this.options.color), this.options.status()];
    return this.lastLines;
  }

  private printTable(lines: readonly string[]): void {
    process.stdout.write(`${this.elapsed()}  breakers:\n${lines.map((l) => `        ${l}\n`).join('')}`);
  }

  private draw(lines: readonly string[]): void {
    if (!this.options.live || lines.length === 0) return;
    // A line wider than the terminal wraps, and the cursor would no longer go back to the table's top.
    const width = (process.stdout.columns ?? 80) - 1;
    const fit = (line: string) => (line.includes('\x1b') ? line : line.slice(0, width));
    process.stdout.write(`${lines.map(fit).join('\n')}\n`);
    this.drawnLines = lines.length;
  }

  /** Moves the cursor back over the drawn table and clears it (ANSI: cursor up, erase to end). */
  private erase(): void {
    if (this.drawnLines > 0) process.stdout.write(`\x1b[${this.drawnLines}A\x1b[J`);
    this.drawnLines = 0;
  }
}
