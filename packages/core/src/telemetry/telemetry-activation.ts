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
 * @internal The breaker's telemetry, if it can have some now: `now` re-reads the global SDK registration at
 * once (rejections, transitions, creation), else the shared every-N-calls recheck decides (admissions).
 */
export function activateTelemetry(
  subject: TelemetrySubject,
  mode: TelemetryMode,
  telemetry: TelemetryOptions,
  traceCalls: boolean,
  now: boolean,
): BreakerTelemetry | undefined {
  if (mode === 'off' || (mode === 'global' && !globalTelemetryLive(now))) return undefined;
  return new BreakerTelemetry(subject, telemetry, traceCalls);
}
