// @ts-check
/**
 * what telemetry costs on the closed success path. Each case runs in its own child process (as
 * every micro case does), so an SDK registered for one variant cannot leak into another.
 */
import { recordedCalls, registerSdk } from '../../lib/sdk.js';
import { ok, tripswitch } from '../../lib/subjects.js';

export const floors = {
  floor: { label: 'floor: `await fn()`', make: () => () => ok() },
};

/** @type {import('../../lib/micro.js').CaseSpec[]} */
export const cases = [
  {
    id: 'disabled',
    label: 'tripswitch, `telemetry: { enabled: false }`',
    make: () => {
      const b = tripswitch({ telemetry: { enabled: false } });
      return () => b.execute(ok);
    },
  },
  {
    id: 'api-no-sdk',
    label: 'tripswitch, @opentelemetry/api without an SDK (default)',
    make: () => {
      const b = tripswitch();
      return () => b.execute(ok);
    },
  },
  {
    id: 'sdk',
    label: 'tripswitch, SDK registered (metrics reader + always-on tracer)',
    make: () => {
      const { reader } = registerSdk();
      const b = tripswitch();
      return { fn: () => b.execute(ok), after: () => recordedCalls(reader) };
    },
  },
  {
    id: 'sdk-trace-calls',
    label: 'tripswitch, SDK registered, `traceCalls: true` (a span per call)',
    make: () => {
      const { reader } = registerSdk();
      const b = tripswitch({ traceCalls: true });
      return { fn: () => b.execute(ok), after: () => recordedCalls(reader) };
    },
  },
];
