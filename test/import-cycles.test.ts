import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { findImportCycles, packageSourceDirs } from '../scripts/import-cycles.mjs';

// Arrows point from a class to its parts only: no file of packages/*/src may reach itself through its
// relative imports, type-only imports included.

const root = fileURLToPath(new URL('..', import.meta.url));

describe('import cycles', () => {
  it('has none in packages/*/src', () => {
    const dirs = packageSourceDirs(root);
    expect(dirs.map((d) => d.slice(root.length))).toContain('packages/core/src');
    expect(findImportCycles(dirs, root)).toEqual([]);
  });

  describe('the check itself', () => {
    const dir = mkdtempSync(join(tmpdir(), 'tripswitch-cycles-'));
    afterAll(() => rmSync(dir, { recursive: true, force: true }));
    const write = (file: string, text: string) => {
      mkdirSync(join(dir, file, '..'), { recursive: true });
      writeFileSync(join(dir, file), text);
    };

    it('finds a cycle made of a type-only import, an index import and a re-export', () => {
      write('owner.ts', "import { part } from './parts';\nexport class Owner {}\n");
      write('parts/index.ts', "export { part } from './part.js';\n");
      write(
        'parts/part.ts',
        "import type { Owner } from '../owner.js';\nexport const part = (o: Owner) => o;\n",
      );
      write('leaf.ts', "import { part } from './parts/index.js';\nexport const leaf = part;\n");
      expect(findImportCycles([dir], dir)).toEqual([['owner.ts', 'parts/index.ts', 'parts/part.ts']]);
    });

    it('finds a file that imports itself, and ignores package imports', () => {
      const self = mkdtempSync(join(tmpdir(), 'tripswitch-cycles-self-'));
      try {
        writeFileSync(join(self, 'a.ts'), "import './a.js';\nimport { x } from '@tripswitch/core';\n");
        writeFileSync(join(self, 'b.ts'), "import { y } from 'b';\n");
        expect(findImportCycles([self], self)).toEqual([['a.ts']]);
      } finally {
        rmSync(self, { recursive: true, force: true });
      }
    });
  });
});
