/** Renders each group's results as a Markdown table, plus the targets table. */
import { bytes, int, ns, ratio, reqs, spread, table } from './lib/format.js';

export function microTable(group, result, rounds) {
  const rows = [[group.floorLabel, spread(result.floor.ns, ns), '1.00×', '—']];
  for (const c of group.cases) {
    const r = result.cases[c.id];
    rows.push([c.label, spread(r.ns, ns), spread(r.ratio, ratio), signed(r.addedNs.median)]);
  }
  return section(
    group.title,
    table(['case', 'time per call, median (range)', '× floor, median (range)', 'added over floor'], rows),
    [
      `${rounds} round(s); each case ran in a fresh process with its own floor measured just before and after it.`,
      ...(group.notes ?? []),
    ],
  );
}

function signed(value) {
  return value < 0 ? `−${ns(-value)}` : `+${ns(value)}`;
}

export function windowTable(result, rounds) {
  const rows = [];
  for (const s of Object.values(result.subjects)) {
    for (const size of result.sizes) {
      const r = s.sizes[size];
      rows.push([
        s.label,
        int(size),
        spread(r.ns, ns),
        spread(r.toZero, ratio),
        ratio(r.toFloor.median),
        r.failures.min === r.failures.max
          ? int(r.failures.median)
          : `${int(r.failures.min)}–${int(r.failures.max)}`,
      ]);
    }
  }
  const o = result.subjects.opossum.plan;
  const other = result.subjects['ts-time'].plan;
  return section(
    '4. Failure cost versus calls already in the window',
    table(
      [
        'breaker',
        'calls in window',
        'time per failure, median (range)',
        '× cost at 0',
        '× failing floor',
        'failures timed',
      ],
      rows,
    ),
    [
      `${rounds} round(s). Each row: a fresh process fills a new breaker with that many successful calls (awaited one by one through the public API), then times up to ${int(other.failures)} failing calls (opossum: up to ${int(o.failures)}, or as many as fit in ${int(o.budgetMs)} ms, at least one).`,
      'opossum keeps its defaults (percentiles on) except `rotateBucketController`, so its window never rotates and holds exactly the calls made; `volumeThreshold` keeps it closed (it still computes its stats on every failure). Every failure sorts all latencies in the window: that is the growth.',
    ],
  );
}

export function memoryTable(result, rounds) {
  const rows = Object.values(result.configs).map((c) => [
    c.label,
    c.rule,
    spread(c.newBytes, bytes),
    spread(c.usedBytes, bytes),
    ratio(c.newToFloor.median),
  ]);
  const alive = Object.entries(result.keepAlive).map(([lib, k]) => [
    lib,
    int(k.created),
    k.exited ? 'yes' : `**no**: still running after ${int(k.limitMs)} ms`,
    k.exitAfterMs === undefined ? '—' : `${int(k.exitAfterMs)} ms`,
  ]);
  return [
    section(
      '5. Memory: heap bytes per breaker',
      table(
        ['breaker', 'rule', `bytes each, ${int(result.instances)} new`, 'after one call each', '× floor'],
        rows,
        ['l', 'l', 'r', 'r', 'r'],
      ),
      [
        `${rounds} round(s); each row in its own \`node --expose-gc\` process: \`heapUsed\` after two \`gc()\` calls, before and after creating and holding ${int(result.instances)} instances (100 were created and used first, so lazily created module state is not charged to them).`,
      ],
    ),
    section(
      '5b. Does anything keep the process alive?',
      table(
        [
          'library',
          'breakers created, used, every tenth tripped',
          'process exits on its own',
          'exit after main returned',
        ],
        alive,
      ),
      [
        'Each library in its own process, with every rule it has; the process is killed if it has not exited within the limit.',
      ],
    ),
  ].join('\n\n');
}

export function httpTables(result, rounds) {
  return Object.values(result.frameworks)
    .map((fw) => {
      const rows = Object.values(fw.variants).map((v) => [
        v.label,
        spread(v.rps, reqs),
        v.floor ? '1.00×' : spread(v.ratio, ratio),
        v.errors + v.unexpected === 0
          ? 'ok'
          : `${int(v.errors)} errors, ${int(v.unexpected)} unexpected statuses`,
      ]);
      return section(
        `7. HTTP, ${fw.label}: GET /hello on 127.0.0.1`,
        table(['variant', 'throughput, median (range)', '× floor (bare, or plain 503)', 'responses'], rows),
        [
          `${rounds} round(s) of ${result.seconds} s per variant (after ${result.warmSeconds} s of warm-up), autocannon with ${result.connections} connections from the parent process, a fresh server process per run, variants alternating in a rotated order. The open breaker was opened with \`openFor(1 h)\` so its 503 carries \`Retry-After\`; the plain 503 writes the same status, headers and body by hand.`,
        ],
      );
    })
    .join('\n\n');
}

export function targetsTable(judged) {
  const rows = judged.map((t) => [t.name, t.target, t.shown, t.verdict, t.others]);
  return section(
    'Targets (issue 7)',
    table(['case', 'target', 'this run', 'verdict', 'others, this run'], rows, ['l', 'l', 'l', 'l', 'l']),
    [],
  );
}

function section(title, body, notes) {
  return [`### ${title}`, '', body, ...(notes.length ? ['', ...notes.map((n) => `- ${n}`)] : [])].join('\n');
}
