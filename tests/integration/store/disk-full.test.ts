/**
 * Disk full: a save that cannot be written fails with a plain `disk_full` error, nothing is
 * half-written, and everything saved before is intact. Two ways to fill the disk: a real tiny
 * filesystem (tmpfs, where this machine lets the test mount one) and SQLite's own page limit.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { dispatch } from '../../../main/services/dispatch.js';
import { inTransaction } from '../../../main/services/context.js';
import { writeEdits } from '../../../main/sync/local-write.js';
import { newId } from '../../../shared/domain/ids.js';
import { sampleInspection, tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';

let runtime: TestRuntime | undefined;
let mounted: string | undefined;
afterEach(() => {
  runtime?.close();
  runtime = undefined;
  if (mounted) {
    execFileSync('umount', [mounted]);
    rmSync(mounted, { recursive: true, force: true });
    mounted = undefined;
  }
});

function noteEdits(id: string, text: string) {
  return [
    { table: 'evidence_note' as const, row: id, field: 'text', value: text },
    { table: 'evidence_note' as const, row: id, field: 'source', value: 'case_record' },
  ];
}

function canMountTmpfs(): boolean {
  if (process.platform !== 'linux' || process.getuid?.() !== 0) return false;
  const probe = tempDir('fieldwork-mount-probe-');
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

async function expectDiskFullHandled(rt: TestRuntime, inspectionId: string, fill: () => void): Promise<void> {
  const savedId = newId();
  inTransaction(rt.ctx, () => writeEdits(rt.ctx, inspectionId, noteEdits(savedId, 'Saved before the disk filled')));
  fill();
  // Save long notes through the command path until the disk refuses one.
  let failure: { code: string; message: string } | null = null;
  let attempted: string | null = null;
  for (let i = 0; i < 400 && failure === null; i += 1) {
    attempted = newId();
    const outcome = await dispatch(rt.ctx, 'evidence.create', {
      inspectionId,
      id: attempted,
      fields: {
        text: `Long note ${i} `.repeat(1500),
        source: 'case_record',
        agency: null,
        themes: [],
        polarity: 'neutral',
        caseId: null,
      },
    });
    if (!outcome.ok) failure = outcome.error;
  }
  expect(failure?.code).toBe('disk_full');
  expect(failure?.message).toMatch(/disk is full/i);
  expect(String(rt.ctx.db.pragma('integrity_check', { simple: true }))).toBe('ok');
  // The refused note left nothing behind: no row, no op, no changeset.
  expect(rt.ctx.db.prepare('SELECT count(*) AS n FROM evidence_note WHERE id = ?').get(attempted)).toEqual({ n: 0 });
  expect(rt.ctx.db.prepare('SELECT count(*) AS n FROM op WHERE row_id = ?').get(attempted)).toEqual({ n: 0 });
  const row = rt.ctx.db.prepare('SELECT text FROM evidence_note WHERE id = ?').get(savedId) as { text: string };
  expect(row.text).toBe('Saved before the disk filled');
  const opsWithoutChangeset = rt.ctx.db
    .prepare('SELECT count(*) AS n FROM op WHERE changeset_id NOT IN (SELECT id FROM changeset)')
    .get() as { n: number };
  expect(opsWithoutChangeset.n).toBe(0);
}

describe('when the disk is full', () => {
  it('a save fails with a plain message and the store stays whole (SQLite page limit)', async () => {
    runtime = await testRuntime();
    const rt = runtime;
    const inspection = await rt.call('inspections.create', { fields: { ...sampleInspection, inspectorates: ['ofsted'] } });
    await expectDiskFullHandled(rt, inspection.id, () => {
      const pages = Number(rt.ctx.db.pragma('page_count', { simple: true }));
      rt.ctx.db.pragma(`max_page_count = ${pages + 8}`);
    });
  });

  it.runIf(canMountTmpfs())('a save fails with a plain message and the store stays whole (a real 3 MB filesystem)', async () => {
    const dir = tempDir('fieldwork-tinyfs-');
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=3m', 'tmpfs', dir]);
    mounted = dir;
    runtime = await testRuntime({ dir: join(dir, 'data') });
    const rt = runtime;
    const inspection = await rt.call('inspections.create', { fields: { ...sampleInspection, inspectorates: ['ofsted'] } });
    await expectDiskFullHandled(rt, inspection.id, () => {
      mkdirSync(join(dir, 'filler'), { recursive: true });
      // Leave only a little room so the next big saves hit ENOSPC / SQLITE_FULL.
      try {
        writeFileSync(join(dir, 'filler', 'block'), Buffer.alloc(2 * 1024 * 1024 + 512 * 1024));
      } catch {
        // Already full enough.
      }
    });
  });
});
