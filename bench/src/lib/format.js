// @ts-check
/** Formatting of figures and Markdown tables (the output can be pasted into BENCHMARKS.md as is). */

export function ns(value) {
  if (!Number.isFinite(value)) return '—';
  if (value < 1_000) return `${value < 100 ? value.toFixed(1) : value.toFixed(0)} ns`;
  if (value < 1_000_000) return `${(value / 1_000).toFixed(value < 10_000 ? 2 : 1)} µs`;
  if (value < 1_000_000_000) return `${(value / 1_000_000).toFixed(value < 10_000_000 ? 2 : 1)} ms`;
  return `${(value / 1_000_000_000).toFixed(2)} s`;
}

export function ratio(value) {
  if (!Number.isFinite(value)) return '—';
  if (value >= 100) return `${value.toFixed(0)}×`;
  return `${value.toFixed(value >= 10 ? 1 : 2)}×`;
}

export function int(value) {
  if (!Number.isFinite(value)) return '—';
  return Math.round(value).toLocaleString('en-US');
}

export function bytes(value) {
  return Number.isFinite(value) ? `${int(value)} B` : '—';
}

export function reqs(value) {
  return Number.isFinite(value) ? `${int(value)} req/s` : '—';
}

/** `median (min–max)` for one summary, with `fmt` for each number; `n = 1` shows the value alone. */
export function spread(summary, fmt) {
  if (!Number.isFinite(summary.median)) return '—';
  if (summary.n <= 1 || summary.min === summary.max) return fmt(summary.median);
  return `${fmt(summary.median)} (${fmt(summary.min)}–${fmt(summary.max)})`;
}

/** A Markdown table with padded columns; `align` per column is 'l' or 'r'. */
export function table(header, rows, align = header.map((_, i) => (i === 0 ? 'l' : 'r'))) {
  const cells = [header, ...rows].map((row) => row.map((c) => String(c)));
  const widths = header.map((_, i) => Math.max(3, ...cells.map((row) => [...(row[i] ?? '')].length)));
  const pad = (text, i) => {
    const gap = ' '.repeat(widths[i] - [...text].length);
    return align[i] === 'r' ? gap + text : text + gap;
  };
  const line = (row) => `| ${row.map((c, i) => pad(c ?? '', i)).join(' | ')} |`;
  const rule = `|${widths.map((w, i) => (align[i] === 'r' ? `${'-'.repeat(w + 1)}:` : `:${'-'.repeat(w + 1)}`)).join('|')}|`;
  return [line(cells[0]), rule, ...cells.slice(1).map(line)].join('\n');
}

/** `+12.3 ns` or `−4.0 ns`. @param {number} value */
export function signed(value) {
  return value < 0 ? `−${ns(-value)}` : `+${ns(value)}`;
}
