import type { BreakerMetrics } from '@tripswitch/core';

export interface Row {
  readonly metrics: BreakerMetrics;
  readonly callsPerSecond: number;
}

const STATE_COLORS: Readonly<Record<string, string>> = {
  closed: '32', // green
  half_open: '33', // yellow
  open: '31', // red
  forced_open: '35', // magenta
  disabled: '90', // grey
};

const HEADER = ['breaker', 'state', 'calls/s', 'failures', 'rejections', 'retry-after'] as const;
const WIDTHS = [24, 11, 8, 9, 11, 11] as const;

function cells(row: Row): string[] {
  const m = row.metrics;
  const retryAfter =
    m.state === 'forced_open' ? '∞' : m.retryAfterMs > 0 ? `${(m.retryAfterMs / 1000).toFixed(1)} s` : '-';
  return [
    m.name,
    m.state,
    row.callsPerSecond.toFixed(1),
    String(m.failureCount),
    String(m.rejectedCount),
    retryAfter,
  ];
}

/** The breakers as fixed-width lines: a header, then one line per breaker (state coloured when `color`). */
export function renderTable(rows: readonly Row[], color: boolean): string[] {
  const line = (values: readonly string[], paint?: string): string =>
    values
      .map((value, i) => {
        const text = i === 0 ? value.slice(0, WIDTHS[0]).padEnd(WIDTHS[0]) : value.padStart(WIDTHS[i]!);
        return i === 1 && paint !== undefined && color ? `\x1b[${paint}m${text}\x1b[0m` : text;
      })
      .join(' ');
  return [line(HEADER), ...rows.map((row) => line(cells(row), STATE_COLORS[row.metrics.state]))];
}
