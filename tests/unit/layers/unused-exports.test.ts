/** No dead code behind an `export`: every export of main/, shared/ and renderer/ is used somewhere. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findUnusedExports } from '../../support/unused-exports.js';

const ROOT = join(__dirname, '..', '..', '..');

describe('exports', () => {
  it('are each used somewhere (by another file, or at least by their own)', () => {
    const dead = findUnusedExports(ROOT)
      .filter((e) => !e.usedInFile)
      .map((e) => `${e.file}: ${e.name}`);
    expect(dead).toEqual([]);
  });
});
