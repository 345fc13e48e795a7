// @ts-check
/**
 * The path users run: a breaker with the OpenTelemetry SDK registered. Runs in the children of the micro
 * harness; `setup()` registers the SDK a case names before its floors are built, so the SDK floor records
 * into the same registered SDK as the case.
 *
 * Floors, measured in the same process as each case:
 * - F0: `await fn()`;
 * - F1: the least any wrapper that observes the outcome can cost: `const p = fn(); p.then(ok, ko); return p`;
 * - FS: F0 plus exactly one `histogram.record(seconds, attributes)` with a pre-built attribute object;
 * and the same three with a function that rejects (F0f, F1f, FSf), each inside `try { await … } catch {}`;
 * and FTf: F0f plus one span as tripswitch makes for a rejection (same attributes, link and status), started
 * and ended on the same registered SDK: what `rejectionSpans: 'all'` cannot go below; and FSc: FS with the
 * recorded value measured, i.e. plus the two clock reads any duration costs (FS itself reads no clock).
 */
import { performance } from 'node:perf_hooks';
import { metrics, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { isCircuitOpenError } from '@tripswitch/core';
import { counted, recordedCalls, registerSdk } from '../../lib/sdk.js';
import {
  BrokenCircuitError,
  ConsecutiveBreaker,
  catching,
  cockatiel,
  expectRejection,
  failing,
  HOUR,
  NEVER,
  noop,
  ok,
  opossum,
  tripswitch,
} from '../../lib/subjects.js';

/** The duration buckets tripswitch advises, so the SDK floor and the peers' histograms cost the same. */
const BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

/**
 * Attribute objects, built once, with the keys and values of tripswitch's own series: what one sample
 * costs the SDK depends on them (it hashes them on every record), so the floors and the peers pay what
 * tripswitch pays.
 */
const ATTRS = {
  success: { 'tripswitch.breaker.name': 'bench', 'tripswitch.breaker.outcome': 'success' },
  failure: {
    'tripswitch.breaker.name': 'bench',
    'tripswitch.breaker.outcome': 'failure',
    'error.type': 'Error',
  },
  rejected: {
    'tripswitch.breaker.name': 'bench',
    'tripswitch.breaker.outcome': 'rejected',
    'tripswitch.breaker.state': 'open',
    'error.type': 'circuit_open',
  },
};

/** @type {ReturnType<typeof registerSdk> | undefined} */
let sdk;

/** @param {import('../../lib/micro.js').CaseSpec} spec */
export function setup(spec) {
  if (spec.sdk !== 'none') sdk = registerSdk(spec.sdk === 'batch' ? 'batch' : 'none');
}

/** A Counter and a Histogram as a user writes them by hand next to a breaker, with pre-built attributes. */
function handWritten(name = 'by-hand') {
  const meter = metrics.getMeter(name);
  const calls = meter.createCounter('app.breaker.calls', { unit: '{call}' });
  const duration = meter.createHistogram('app.breaker.call.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: BUCKETS },
  });
  return { calls, duration, ...ATTRS };
}

/** Reads a hand-written counter back: the peer case really recorded. @param {string} outcome */
async function recordedByHand(outcome) {
  if (sdk === undefined) throw new Error('no SDK registered');
  const n = await counted(
    sdk.reader,
    'app.breaker.calls',
    (a) => a['tripswitch.breaker.outcome'] === outcome,
  );
  if (!(n > 0)) throw new Error(`the hand-written counter recorded no ${outcome}`);
  return { recordedCalls: n };
}

/** The floor histogram: one record per call, on the registered SDK. @param {'success' | 'failure'} outcome */
function floorHistogram(outcome) {
  const h = metrics.getMeter('floor').createHistogram('floor.duration', {
    unit: 's',
    advice: { explicitBucketBoundaries: BUCKETS },
  });
  return { h, attrs: ATTRS[outcome] };
}

/** A span context to link to, as a reject span links to the span of the transition that opened the circuit. */
const OPENED_BY = {
  traceId: '0af7651916cd43dd8448eb211c80319c',
  spanId: 'b7ad6b7169203331',
  traceFlags: 1,
};

/** One span as tripswitch makes it for a rejection, on the registered SDK's tracer. */
function rejectLikeSpan() {
  const tracer = trace.getTracer('floor');
  const status = { code: SpanStatusCode.ERROR, message: 'circuit open' };
  return () => {
    tracer
      .startSpan('tripswitch.reject bench', {
        kind: SpanKind.INTERNAL,
        attributes: { ...ATTRS.rejected, 'tripswitch.breaker.retry_after_ms': 3_600_000 },
        links: [{ context: OPENED_BY }],
      })
      .setStatus(status)
      .end();
  };
}

export const floors = {
  F0: { label: 'F0: `await fn()`', make: () => () => ok() },
  F1: {
    label: 'F1: `const p = fn(); p.then(ok, ko); return p`',
    make: () => () => {
      const p = ok();
      p.then(noop, noop);
      return p;
    },
  },
  FS: {
    label: 'FS: F0 + one `histogram.record()` on the SDK',
    make: () => {
      const { h, attrs } = floorHistogram('success');
      return () => {
        h.record(0.0001, attrs);
        return ok();
      };
    },
  },
  FSc: {
    label:
      'FSc: FS with a measured value (two `performance.now()` reads around it, as tripswitch reads its clock)',
    make: () => {
      const { h, attrs } = floorHistogram('success');
      return () => {
        const start = performance.now();
        h.record((performance.now() - start) / 1000, attrs);
        return ok();
      };
    },
  },
  F0f: { label: 'F0f: `try { await fn() } catch {}`, fn rejects', make: () => catching(failing) },
  F1f: {
    label: 'F1f: F1 of a rejecting fn, in the same try/catch',
    make: () =>
      catching(() => {
        const p = failing();
        p.then(noop, noop);
        return p;
      }),
  },
  FTf: {
    label: 'FTf: F0f + one span like a reject span, started and ended on the SDK',
    make: () => {
      const span = rejectLikeSpan();
      return catching(() => {
        span();
        return failing();
      });
    },
  },
  FSf: {
    label: 'FSf: F0f + one `histogram.record()` on the SDK',
    make: () => {
      const { h, attrs } = floorHistogram('failure');
      return catching(() => {
        h.record(0.0001, attrs);
        return failing();
      });
    },
  },
};

const SUCCESS_FLOORS = ['F0', 'F1', 'FS'];
/** tripswitch's own closed-success cases also measure FSc: how much of what they add is the clock. */
const TIMED_FLOORS = [...SUCCESS_FLOORS, 'FSc'];
const FAILURE_FLOORS = ['F0f', 'F1f', 'FSf'];
/** @returns {{ recordedCalls: number }} */
const calls = () => {
  if (sdk === undefined) throw new Error('no SDK registered');
  return /** @type {any} */ (recordedCalls(sdk.reader));
};

/** @param {{ state: string }} b @param {string} what */
function stillClosed(b, what) {
  if (b.state !== 'closed') throw new Error(`${what} opened during the run`);
}

/** A tripswitch breaker tripped open for an hour, checked to reject. @param {object} [options] */
async function trippedTripswitch(options = {}) {
  const b = tripswitch({ failureThreshold: 1, resetTimeout: HOUR, ...options });
  await b.execute(failing).catch(noop);
  if (b.state !== 'open') throw new Error(`tripswitch did not open (state ${b.state})`);
  await expectRejection(b.execute(ok), isCircuitOpenError, 'tripswitch');
  return b;
}

/** Proves spans were made and exported when a batch processor is registered. */
async function spansAndCalls() {
  const out = await calls();
  if (sdk?.exporter === undefined) return out;
  await sdk.tracerProvider.forceFlush();
  return { ...out, exportedSpans: sdk.exporter.exported };
}

/**
 * The cases of one SDK setup. @param {'collect' | 'batch'} setupId
 * @returns {import('../../lib/micro.js').CaseSpec[]}
 */
function withSdk(setupId, peers = true) {
  const at = (/** @type {string} */ id) => `${id}@${setupId}`;
  /** @type {import('../../lib/micro.js').CaseSpec[]} */
  const list = [
    {
      id: at('ts-execute'),
      family: 'success',
      label: 'tripswitch `execute()`',
      floors: TIMED_FLOORS,
      vs: 'FS',
      make: () => {
        const b = tripswitch();
        return { fn: () => b.execute(ok), after: calls };
      },
    },
    {
      id: at('ts-permit'),
      family: 'success',
      label: 'tripswitch `admit()` + `success()`',
      floors: TIMED_FLOORS,
      vs: 'FS',
      make: () => {
        const b = tripswitch();
        return {
          fn: () => {
            const permit = /** @type {import('@tripswitch/core').Permit} */ (b.admit());
            permit.success();
            return ok();
          },
          after: calls,
        };
      },
    },
    {
      id: at('ts-failure'),
      family: 'failure',
      label: 'tripswitch `execute()`, failing (kept closed)',
      floors: FAILURE_FLOORS,
      vs: 'FSf',
      make: () => {
        const b = tripswitch({ failureThreshold: NEVER });
        return {
          fn: catching(() => b.execute(failing)),
          after: () => {
            stillClosed(b, 'tripswitch');
            return calls();
          },
        };
      },
    },
    {
      id: at('ts-reject'),
      family: 'open',
      label: "tripswitch `execute()`, open (`rejectionSpans: 'first'`, the default)",
      floors: ['F0f'],
      make: async () => {
        const b = await trippedTripswitch();
        return { fn: catching(() => b.execute(ok)), after: spansAndCalls };
      },
    },
    {
      id: at('ts-reject-all'),
      family: 'open',
      label: "tripswitch `execute()`, open, `rejectionSpans: 'all'` (a span per rejection)",
      floors: ['F0f', 'FTf'],
      vs: 'F0f',
      make: async () => {
        const b = await trippedTripswitch({ telemetry: { rejectionSpans: 'all' } });
        return { fn: catching(() => b.execute(ok)), after: spansAndCalls };
      },
    },
  ];
  if (!peers) return list;
  list.push(
    {
      id: at('cockatiel'),
      family: 'success',
      label: 'cockatiel `ConsecutiveBreaker(5)` + Counter and Histogram by hand',
      floors: SUCCESS_FLOORS,
      vs: 'FS',
      make: () => {
        const m = handWritten();
        const b = cockatiel(new ConsecutiveBreaker(5));
        b.onSuccess(({ duration }) => {
          m.calls.add(1, m.success);
          m.duration.record(duration / 1000, m.success);
        });
        return { fn: () => b.execute(ok), after: () => recordedByHand('success') };
      },
    },
    {
      id: at('opossum'),
      family: 'success',
      label: 'opossum (defaults) + Counter and Histogram by hand',
      floors: SUCCESS_FLOORS,
      vs: 'FS',
      make: () => {
        const m = handWritten();
        const b = opossum(ok);
        b.on('success', (_result, latencyMs) => {
          m.calls.add(1, m.success);
          m.duration.record(latencyMs / 1000, m.success);
        });
        return { fn: () => b.fire(), after: () => recordedByHand('success') };
      },
    },
    {
      id: at('cockatiel-failure'),
      family: 'failure',
      label: 'cockatiel `ConsecutiveBreaker` (unreachable) + Counter and Histogram by hand',
      floors: FAILURE_FLOORS,
      vs: 'FSf',
      make: () => {
        const m = handWritten();
        const b = cockatiel(new ConsecutiveBreaker(NEVER));
        b.onFailure(({ duration }) => {
          m.calls.add(1, m.failure);
          m.duration.record(duration / 1000, m.failure);
        });
        return { fn: catching(() => b.execute(failing)), after: () => recordedByHand('failure') };
      },
    },
    {
      id: at('opossum-failure'),
      family: 'failure',
      label: 'opossum (percentiles off) + Counter and Histogram by hand',
      floors: FAILURE_FLOORS,
      vs: 'FSf',
      make: () => {
        const m = handWritten();
        const b = opossum(failing, { volumeThreshold: NEVER, rollingPercentilesEnabled: false });
        b.on('failure', (_error, latencyMs) => {
          m.calls.add(1, m.failure);
          m.duration.record(latencyMs / 1000, m.failure);
        });
        return { fn: catching(() => b.fire()), after: () => recordedByHand('failure') };
      },
    },
    {
      id: at('cockatiel-reject'),
      family: 'open',
      label: 'cockatiel, tripped open (`ConsecutiveBreaker(1)`) + a Counter by hand',
      floors: ['F0f'],
      make: async () => {
        const m = handWritten();
        const b = cockatiel(new ConsecutiveBreaker(1));
        await b.execute(failing).catch(noop);
        await expectRejection(b.execute(ok), (e) => e instanceof BrokenCircuitError, 'cockatiel');
        return {
          fn: async () => {
            try {
              await b.execute(ok);
            } catch (error) {
              if (error instanceof BrokenCircuitError) m.calls.add(1, m.rejected);
            }
          },
          after: () => recordedByHand('rejected'),
        };
      },
    },
    {
      id: at('opossum-reject'),
      family: 'open',
      label: "opossum after `open()` + a Counter by hand (its 'reject' event)",
      floors: ['F0f'],
      make: async () => {
        const m = handWritten();
        const b = opossum(ok, { resetTimeout: HOUR });
        b.on('reject', () => m.calls.add(1, m.rejected));
        b.open();
        await expectRejection(b.fire(), (e) => e?.code === 'EOPENBREAKER', 'opossum');
        return { fn: catching(() => b.fire()), after: () => recordedByHand('rejected') };
      },
    },
  );
  return list.map((c) => ({ ...c, sdk: setupId }));
}

/** @type {import('../../lib/micro.js').CaseSpec[]} */
export const cases = [
  ...withSdk('collect'),
  // The peers make no spans: a span processor changes nothing for them, so they run once.
  ...withSdk('batch', false),
  {
    id: 'ts-execute@none',
    family: 'none',
    sdk: 'none',
    label: 'tripswitch `execute()`, no SDK registered (@opentelemetry/api loaded)',
    floors: ['F0', 'F1'],
    vs: 'F1',
    make: () => {
      const b = tripswitch();
      return () => b.execute(ok);
    },
  },
  {
    id: 'ts-disabled@none',
    family: 'none',
    sdk: 'none',
    label: 'tripswitch `execute()`, `telemetry: { enabled: false }`',
    floors: ['F0', 'F1'],
    vs: 'F1',
    make: () => {
      const b = tripswitch({ telemetry: { enabled: false } });
      return () => b.execute(ok);
    },
  },
];
