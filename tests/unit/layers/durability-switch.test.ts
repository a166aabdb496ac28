/**
 * The switch that turns durability off exists only so the power-cut harness can prove it
 * catches the regression: no app code may call it, and only the harness's worker does.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = join(__dirname, '..', '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sourceFiles(path);
    return /\.(ts|tsx|mjs|js|cjs)$/.test(name) ? [path] : [];
  });
}

describe('the durability switch', () => {
  it('is used by the power-cut worker alone', () => {
    const users = ['main', 'renderer', 'shared', 'scripts', 'tests']
      .flatMap((d) => sourceFiles(join(ROOT, d)))
      .filter((f) => readFileSync(f, 'utf8').includes('weakenDurabilityForTests'))
      .map((f) => relative(ROOT, f))
      .sort();
    expect(users).toEqual([
      'main/store/durable-file.ts',
      'tests/powercut/powercut-worker.ts',
      'tests/unit/layers/durability-switch.test.ts',
    ]);
  });
});
