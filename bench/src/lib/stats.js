// @ts-check
/** Small statistics over the per-round figures: the tables report a median and a min–max range. */

export function median(values) {
  const xs = values.filter((v) => Number.isFinite(v)).sort((a, b) => a - b);
  if (xs.length === 0) return Number.NaN;
  const mid = xs.length >> 1;
  return xs.length % 2 === 1 ? xs[mid] : (xs[mid - 1] + xs[mid]) / 2;
}

export function range(values) {
  const xs = values.filter((v) => Number.isFinite(v));
  if (xs.length === 0) return [Number.NaN, Number.NaN];
  return [Math.min(...xs), Math.max(...xs)];
}

/** `{ median, min, max, n }` of the finite values. */
export function summarize(values) {
  const [min, max] = range(values);
  return { median: median(values), min, max, n: values.filter((v) => Number.isFinite(v)).length };
}

/** Rotates `items` by `k`, so each round starts with a different case and drift spreads over all of them. */
export function rotate(items, k) {
  if (items.length === 0) return [];
  const s = k % items.length;
  return [...items.slice(s), ...items.slice(0, s)];
}
