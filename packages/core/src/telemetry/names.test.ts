import { describe, expect, it } from 'vitest';
import * as core from '../index.js';
import * as names from './names.js';

describe('telemetry names', () => {
  it('are all exported by @tripswitch/core, with their values, for dashboards and tests to import', () => {
    const exported = core as unknown as Record<string, unknown>;
    const missing = Object.entries(names).filter(([key, value]) => exported[key] !== value);
    expect(missing).toEqual([]);
    expect(Object.keys(names).length).toBeGreaterThan(30);
  });
});
