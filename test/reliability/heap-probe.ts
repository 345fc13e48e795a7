/**
 * Heap and handle readings for the soak and key-explosion runs: the heap after full GCs (the test process
 * runs with --expose-gc), and the count of active handles (sockets, servers, timers) Node reports.
 */

/** One reading: heap used after GC, in bytes, and the active resources by kind. */
export interface HeapReading {
  readonly heapUsed: number;
  readonly handles: number;
}

const gc = (globalThis as { gc?: () => void }).gc;

/** Collects twice (the second pass frees what the first one's finalizers released) and reads. */
export async function readHeap(): Promise<HeapReading> {
  if (gc === undefined) throw new Error('run with node --expose-gc (the reliability config does)');
  for (let i = 0; i < 2; i++) {
    gc();
    // Let finalizers and pending socket closes run between passes.
    await new Promise((resolve) => setImmediate(resolve));
  }
  return {
    heapUsed: process.memoryUsage().heapUsed,
    // Timers are the breakers' own business only while calls are in flight; count what Node keeps open.
    handles: process.getActiveResourcesInfo().filter((kind) => kind !== 'Timeout' && kind !== 'Immediate')
      .length,
  };
}

/** Growth of `after` over `before` as a fraction (0.05 is 5%). */
export function growth(before: HeapReading, after: HeapReading): number {
  return (after.heapUsed - before.heapUsed) / before.heapUsed;
}

/** `12.3 MB` */
export function mb(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
