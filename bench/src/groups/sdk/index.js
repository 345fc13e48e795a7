// @ts-check
/**
 * The path users run: tripswitch with the OpenTelemetry SDK registered, against floors measured in the
 * same process (F0, F1, FS) and against cockatiel and opossum with a Counter and a Histogram written by
 * hand, in the same run. Each case runs in its own child process (the micro harness), which registers
 * the SDK its case names: a MeterProvider with a collect-only reader and a BasicTracerProvider with
 * AlwaysOnSampler, without a span processor (`collect`) or with a BatchSpanProcessor exporting to an
 * in-memory exporter (`batch`).
 */
import { ns, ratio, spread, table } from '../../lib/format.js';
import { PASSES, runMicroGroup } from '../../lib/micro.js';
import { section } from '../../lib/report.js';
import { median } from '../../lib/stats.js';
import { perRound } from '../../lib/targets.js';

const URL_ = new URL('./cases.js', import.meta.url).href;

const FAMILIES = {
  success: 'closed circuit, successful call',
  failure: 'closed circuit, failing call (kept closed)',
  open: 'open circuit, rejected call',
  none: 'no SDK registered',
};
const SETUPS = {
  collect: 'SDK: metrics reader (collect only) + always-on tracer, no span processor',
  batch: 'SDK: as `collect`, plus a BatchSpanProcessor and an in-memory exporter',
  none: '@opentelemetry/api only',
};

/** @param {any} result @param {{ rounds: number, title: string }} ctx */
function sdkTable(result, { rounds, title }) {
  const { cases: spec } = result;
  const tables = Object.entries(FAMILIES).map(([family, name]) => {
    const ids = Object.keys(spec).filter((id) => result.family[id] === family);
    if (ids.length === 0) return '';
    const floorIds = [...new Set(ids.flatMap((id) => Object.keys(spec[id].perRound.floors)))];
    const rows = floorIds.map((f) => [
      result.floors[f].label,
      ids.every((id) => f in spec[id].perRound.floors) ? '(every case)' : '(its cases)',
      spread(result.floors[f].ns, ns),
      '1.00×',
      '—',
    ]);
    for (const id of ids) {
      const c = spec[id];
      const f0 = Object.keys(c.perRound.floors)[0];
      const toF0 = perRound(c.perRound.ns, c.perRound.floors[f0], (a, b) => a / b);
      rows.push([
        c.label,
        `\`${id.split('@')[1]}\``,
        spread(c.ns, ns),
        `${spread(c.ratio, ratio)} of ${c.vs}`,
        `${ratio(median(toF0))} of ${f0}`,
      ]);
    }
    return `**${name}**\n\n${table(['case', 'setup', 'time per call, median (range)', '× its floor, median (range)', '× bare floor'], rows)}`;
  });
  return section(title, tables.filter(Boolean).join('\n\n'), [
    `${rounds} round(s); each case ran in a fresh process, measured with its floors in ${PASSES} passes of alternating order (the median pass of each), after its setup registered the SDK.`,
    ...Object.entries(SETUPS).map(([id, text]) => `\`${id}\`: ${text}.`),
    'FS records one value with a pre-built attribute object into a histogram with the same 14 buckets as `tripswitch.breaker.call.duration`: the cost of the SDK itself for one duration sample. The peers record with pre-built attribute objects too.',
    "FSc is FS with the recorded value measured: two `performance.now()` reads around the record, as a breaker reads its clock for a duration (FS reads none). It is measured with tripswitch's closed-success cases only.",
    "FTf starts and ends one span with a reject span's attributes, link and status on the same SDK, in F0f: the cost of the span itself, which `rejectionSpans: 'all'` pays on every rejection.",
    'The peers make no spans, so they run with the `collect` setup only. After its run each case checks what it recorded (calls read back through `collect()`, spans exported).',
  ]);
}

/** @param {any} r @param {string} id */
const c = (r, id) => r.cases[id];

/**
 * A target on one tripswitch case's ratio to its floor, per setup.
 * @param {string} name @param {string} target @param {number} limit @param {string} base @param {string[]} peers
 */
function vsFloor(name, target, limit, base, peers) {
  return ['collect', 'batch'].map((setup) => ({
    name: `${name}, SDK \`${setup}\``,
    target,
    limit,
    atMost: true,
    /** @param {any} r */
    evaluate: (r) => ({
      rounds: c(r, `${base}@${setup}`).perRound.ratio,
      fmt: ratio,
      note: ns(c(r, `${base}@${setup}`).ns.median),
      others:
        [
          ...peers.map((p) => `${p} ${ratio(c(r, `${p}@collect`).ratio.median)}`),
          extraFloor(c(r, `${base}@${setup}`), 'FSc', 'FS + the two clock reads of a duration'),
        ]
          .filter(Boolean)
          .join(', ') || '—',
    }),
  }));
}

/**
 * How a case compares with one of the extra floors it was measured with (FTf, FSc), for the targets
 * table's last column; '' when the case was not measured with it.
 * @param {any} k @param {'FTf' | 'FSc'} floorId @param {string} what
 */
function extraFloor(k, floorId, what) {
  const f = k.perRound.floors[floorId];
  if (f === undefined) return '';
  return `${ratio(median(perRound(k.perRound.ns, f, (a, b) => a / b)))} of ${floorId} (${what}, ${ns(median(f))})`;
}

/** @param {string} base @param {string} setup @param {string} label */
function rejection(base, setup, label) {
  return {
    name: `open rejection with an SDK, ${label}, \`${setup}\``,
    target: "≤ 1/3 of cockatiel's rejection + a counter",
    limit: 1 / 3,
    atMost: true,
    /** @param {any} r */
    evaluate: (r) => ({
      rounds: perRound(
        c(r, `${base}@${setup}`).perRound.ratio,
        c(r, 'cockatiel-reject@collect').perRound.ratio,
        (a, b) => a / b,
      ),
      fmt: ratio,
      note: `${ns(c(r, `${base}@${setup}`).ns.median)} per rejection`,
      others: [
        `cockatiel + counter ${ns(c(r, 'cockatiel-reject@collect').ns.median)}`,
        `opossum + counter ${ns(c(r, 'opossum-reject@collect').ns.median)}`,
        extraFloor(c(r, `${base}@${setup}`), 'FTf', 'F0f + the span alone'),
      ]
        .filter(Boolean)
        .join(', '),
    }),
  };
}

export const group = {
  id: 'sdk',
  title: 'The path users run: with the OpenTelemetry SDK registered',
  rounds: 5,
  cases: URL_,
  /** @param {{ rounds: number, quick: boolean, log?: (line: string) => void }} ctx */
  async run(ctx) {
    const result = await runMicroGroup(URL_, ctx);
    const { cases } = await import(URL_);
    return { ...result, family: Object.fromEntries(cases.map((/** @type {any} */ k) => [k.id, k.family])) };
  },
  table: sdkTable,
  targets: [
    ...vsFloor('closed success, `execute()`', '≤ 1.5× FS', 1.5, 'ts-execute', ['cockatiel', 'opossum']),
    ...vsFloor('closed success, `admit()` + `success()`', '≤ 1.3× FS', 1.3, 'ts-permit', []),
    ...vsFloor('closed failure, `execute()`', '≤ 1.5× FSf', 1.5, 'ts-failure', [
      'cockatiel-failure',
      'opossum-failure',
    ]),
    rejection('ts-reject', 'collect', "`rejectionSpans: 'first'`"),
    rejection('ts-reject', 'batch', "`rejectionSpans: 'first'`"),
    rejection('ts-reject-all', 'collect', "`rejectionSpans: 'all'`"),
    rejection('ts-reject-all', 'batch', "`rejectionSpans: 'all'`"),
    {
      name: 'no SDK, `execute()`',
      target: '≤ 1.10× F1',
      limit: 1.1,
      atMost: true,
      /** @param {any} r */
      evaluate: (r) => {
        const n = c(r, 'ts-execute@none');
        return {
          rounds: n.perRound.ratio,
          fmt: ratio,
          note: `${ratio(median(perRound(n.perRound.ns, n.perRound.floors.F0, (a, b) => a / b)))} of F0; F1 is ${ratio(median(perRound(n.perRound.floors.F1, n.perRound.floors.F0, (a, b) => a / b)))} of F0`,
          others: `telemetry disabled ${ratio(c(r, 'ts-disabled@none').ratio.median)} of F1`,
        };
      },
    },
  ],
};
