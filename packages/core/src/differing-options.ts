/**
 * @internal The option names whose values differ between two options objects for one breaker, compared
 * as data: nested plain objects and arrays (`window`, `ignore`) by their contents, functions and class
 * instances (`clock`, hooks) by identity. `undefined` and `null` count as not given. `telemetry` is left
 * out: a registry fills it in.
 *
 * @example
 * ```ts
 * differingOptions({ window: { type: 'count', size: 10 } }, { window: { type: 'count', size: 10 } }); // []
 * differingOptions({ failureThreshold: 2 }, { failureThreshold: 9 }); // ['failureThreshold']
 * ```
 */
export function differingOptions(before: object | undefined, after: object): string[] {
  const a = (before ?? {}) as Record<string, unknown>;
  const b = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  return [...keys].filter((k) => k !== 'telemetry' && !sameData(a[k], b[k], 0));
}

function isPlain(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === Array.prototype || proto === null;
}

function sameData(a: unknown, b: unknown, depth: number): boolean {
  if (Object.is(a ?? undefined, b ?? undefined)) return true;
  if (!isPlain(a) || !isPlain(b) || Array.isArray(a) !== Array.isArray(b) || depth > 8) return false;
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if (!sameData(a[k], b[k], depth + 1)) return false;
  return true;
}
