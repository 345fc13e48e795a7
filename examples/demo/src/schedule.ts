/** What the flaky upstream does with every request while a phase lasts. */
export type UpstreamMode = 'healthy' | 'erroring' | 'hanging' | 'unavailable';

export const UPSTREAM_MODES: readonly UpstreamMode[] = ['healthy', 'erroring', 'hanging', 'unavailable'];

export interface Phase {
  readonly mode: UpstreamMode;
  readonly durationMs: number;
}

/** One cycle of 20 s: the first trips come after ~2 s, the first recoveries before 17 s. */
export const DEFAULT_PHASES = 'healthy:2,erroring:4,hanging:3,unavailable:4,healthy:7';

export const MODE_DESCRIPTIONS: Readonly<Record<UpstreamMode, string>> = {
  healthy: 'answers 200 in ~20 ms',
  erroring: 'answers 500 to everything',
  hanging: 'answers nothing before the APIs time out',
  unavailable: 'answers 503 with Retry-After',
};

/**
 * Parses `mode:seconds,mode:seconds,…`.
 * @throws TypeError naming the bad entry.
 */
export function parsePhases(text: string): Phase[] {
  const phases = text.split(',').map((entry) => {
    const [mode, seconds, extra] = entry.trim().split(':');
    const durationMs = Number(seconds) * 1000;
    if (!UPSTREAM_MODES.includes(mode as UpstreamMode) || extra !== undefined) {
      throw new TypeError(
        `--phases: expected mode:seconds with mode one of ${UPSTREAM_MODES.join(', ')}, got "${entry}"`,
      );
    }
    if (!(Number.isFinite(durationMs) && durationMs > 0)) {
      throw new TypeError(`--phases: seconds must be a number > 0, got "${entry}"`);
    }
    return { mode: mode as UpstreamMode, durationMs };
  });
  return phases;
}

/**
 * Calls `onPhase` at the start of every phase, cycling through `phases` until the returned function is
 * called. One timer at a time, unref'd so the schedule never keeps the process alive.
 */
export function runSchedule(phases: readonly Phase[], onPhase: (phase: Phase) => void): () => void {
  let index = 0;
  let timer: NodeJS.Timeout | undefined;
  const step = (): void => {
    const phase = phases[index % phases.length]!;
    index++;
    onPhase(phase);
    timer = setTimeout(step, phase.durationMs).unref();
  };
  step();
  return () => clearTimeout(timer);
}
