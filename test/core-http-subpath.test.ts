import { createRequire } from 'node:module';
import * as core from '@tripswitch/core';
import * as http from '@tripswitch/core/http';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);

describe('@tripswitch/core/http', () => {
  it('shares module state with the root entry, in ESM and in CJS (one registry per build)', () => {
    expect(http.checkRegistry(undefined)).toBe(core.defaultRegistry);
    const cjsCore = require('@tripswitch/core') as typeof core;
    const cjsHttp = require('@tripswitch/core/http') as typeof http;
    expect(cjsHttp.checkRegistry(undefined)).toBe(cjsCore.defaultRegistry);
    expect(cjsHttp.parseRetryAfter('5', undefined, 0)).toBe(5000);
  });

  it('is what the root entry still exports, so older imports keep working', () => {
    expect(core.healthReport).toBe(http.healthReport);
    expect(core.resolveHttpAdapterOptions).toBe(http.resolveHttpAdapterOptions);
    expect(core.rejectionResponse).toBe(http.rejectionResponse);
  });
});
