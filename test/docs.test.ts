import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as names from '../packages/core/src/telemetry/names.js';

const root = new URL('../', import.meta.url);
const telemetryDoc = readFileSync(new URL('docs/telemetry.md', root), 'utf8');

describe('docs/telemetry.md', () => {
  it('shows exactly the sdk-node snippet that CI type-checks (docs/otel-setup.ts)', () => {
    const snippet = readFileSync(new URL('docs/otel-setup.ts', root), 'utf8').trim();
    const block = /```ts\n([\s\S]*?)```/.exec(telemetryDoc)?.[1]?.trim();
    expect(block).toBe(snippet);
    expect(snippet.split('\n').length).toBeLessThanOrEqual(20);
  });

  it('documents every span, metric and attribute name that the core emits', () => {
    const emitted = Object.entries(names)
      .filter(([key]) => /^(SPAN|METRIC|ATTR)_/.test(key))
      .map(([, value]) => value as string);
    expect(emitted.length).toBeGreaterThan(20);
    for (const name of emitted) expect(telemetryDoc).toContain(`\`${name}`);
  });
});
