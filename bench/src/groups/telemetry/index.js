// @ts-check
/** What telemetry costs on the closed success path, each variant in its own process. */
import { ratio } from '../../lib/format.js';
import { microGroup } from '../../lib/micro.js';
import { median } from '../../lib/stats.js';
import { perRound } from '../../lib/targets.js';

export const group = microGroup({
  id: 'telemetry',
  title: 'Telemetry cost, closed success, `execute()`',
  url: new URL('./cases.js', import.meta.url).href,
  notes: [
    'The SDK rows register a `MeterProvider` with a collect-only `MetricReader` and a `BasicTracerProvider` with `AlwaysOnSampler` (no span processor, no context manager); a `collect()` after the run checks that calls were recorded.',
  ],
  targets: [
    {
      name: 'no SDK vs telemetry disabled',
      target: '≤ 1.10×',
      limit: 1.1,
      atMost: true,
      evaluate: ({ cases: t }) => {
        /** @param {string} id */
        const vsDisabled = (id) => perRound(t[id].perRound.ratio, t.disabled.perRound.ratio, (a, b) => a / b);
        return {
          rounds: vsDisabled('api-no-sdk'),
          fmt: ratio,
          others: `SDK registered: ${ratio(median(vsDisabled('sdk')))} of disabled`,
        };
      },
    },
  ],
});
