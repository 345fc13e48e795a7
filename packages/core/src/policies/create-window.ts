import type { ResolvedOptions } from '../options.js';
import { CountWindow } from './count-window.js';
import type { RateWindow } from './rate-window.js';
import { TimeWindow } from './time-window.js';

/** @internal the window the resolved `window` option asks for, or none (then only consecutive failures count). */
export function createWindow(spec: ResolvedOptions['window']): RateWindow | undefined {
  if (spec === undefined) return undefined;
  return spec.type === 'count' ? new CountWindow(spec.size) : new TimeWindow(spec.duration, spec.buckets);
}
