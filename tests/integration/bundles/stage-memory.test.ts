/**
 * The import's staging read holds one page of changeset bodies at a time, never the bundle:
 * a child process stages 96 bodies of 2 MiB (192 MiB) and reads them back through
 * `iterateStaged` (main/store/bundles-repo.ts); the Buffer memory held at once while reading
 * must stay under a quarter of that. Reading every staged row at once (the code before) holds
 * all 192 MiB.
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../../support/crash-harness.js';

const COUNT = 96;
const SIZE = 2 * 1024 * 1024;
let workerFile: string;

beforeAll(async () => {
  workerFile = await bundleWorker(
    join(__dirname, '..', '..', 'support', 'stage-memory-worker.ts'),
    join(process.cwd(), '.test-output', 'stage-memory'),
  );
});

describe('staging read memory', () => {
  it('reads 192 MiB of staged changesets holding at most a quarter of them at once', () => {
    const child = spawnSync(process.execPath, ['--expose-gc', workerFile, String(COUNT), String(SIZE)], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    const result = JSON.parse(child.stdout.trim()) as { read: number; totalBytes: number; peakBytes: number };
    expect(result.read).toBe(COUNT);
    expect(result.totalBytes).toBe(COUNT * SIZE);
    expect(result.peakBytes).toBeLessThan((COUNT * SIZE) / 4);
  }, 120_000);
});
