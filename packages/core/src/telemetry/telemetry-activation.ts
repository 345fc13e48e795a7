import type { TelemetryOptions } from '../options.js';
import { BreakerTelemetry, globalTelemetryLive, type TelemetrySubject } from './breaker-telemetry.js';

/**
 * @internal How a breaker finds its telemetry: `off` (`enabled: false`), `explicit` (providers of its own,
 * telemetry made at once), or `global` (made only once an SDK is registered globally).
 */
export type TelemetryMode = 'off' | 'global' | 'explicit';

/** @internal the mode the resolved `telemetry` option asks for. */
export function telemetryModeOf(t: TelemetryOptions): TelemetryMode {
  if (t.enabled === false) return 'off';
  return t.tracerProvider !== undefined || t.meterProvider !== undefined ? 'explicit' : 'global';
}

/**
 * @internal How often (in fast closed calls of one breaker) the closed fast path of `execute()` looks for
 * an SDK registered since: a breaker made before the SDK starts reporting within this many calls.
 */
export const FAST_PATH_SDK_CHECK_EVERY = 64;

/**
 * @internal Whether a breaker can have telemetry now: `now` re-reads the global SDK registration at once
 * (rejections, transitions, creation), else the shared every-N-calls recheck decides (admissions). Kept
 * apart from {@link activateTelemetry} so that the no-telemetry answer, asked on every admission, stays
 * small enough to inline.
 */
export function telemetryDue(mode: TelemetryMode, now: boolean): boolean {
  return mode === 'explicit' || (mode === 'global' && globalTelemetryLive(now));
}

/** @internal The breaker's telemetry, once {@link telemetryDue} says it can have some. */
export function activateTelemetry(
  subject: TelemetrySubject,
  telemetry: TelemetryOptions,
  traceCalls: boolean,
): BreakerTelemetry {
  return new BreakerTelemetry(subject, telemetry, traceCalls);
}
