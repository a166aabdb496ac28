import Database from 'better-sqlite3-multiple-ciphers';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { invoke } from '../../../main/services/dispatch.js';
import { openRuntime } from '../../../main/services/runtime.js';
import { exportBundleToFile } from '../../../main/services/bundles.js';
import { quietLog, sampleInspection, tempDir } from '../../support/runtime.js';
import { damageAllPagesOf, saveNote } from './support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('recovery from the outbox', () => {
  it('brings back work whose op-log pages are lost from the bundles waiting in the outbox', async () => {
    const dir = tempDir('fieldwork-outbox-recovery-');
    dirs.push(dir);
    const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
    const inspection = await invoke(rt.ctx, 'inspections.create', { fields: sampleInspection, leadName: 'Sam Lead' });
    const beforeBackup = Array.from({ length: 20 }, (_, i) => saveNote(rt.ctx, inspection.id, `Before ${i}`));
    await invoke(rt.ctx, 'backups.create', {});
    const afterBackup = Array.from({ length: 20 }, (_, i) => saveNote(rt.ctx, inspection.id, `After ${i}`));
    const outbox = join(dir, 'outbox', inspection.id);
    mkdirSync(outbox, { recursive: true });
    await exportBundleToFile(
      rt.ctx,
      { inspectionId: inspection.id, mode: 'full', recipients: { kind: 'team' } },
      join(outbox, 'waiting.fwbundle'),
    );
    rt.close();
    // The whole signed op log is unreadable: only the outbox can bring the newer notes back.
    expect(damageAllPagesOf(rt.storePath, 'changeset')).toBeGreaterThan(0);

    const opened = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, recovery: true });
    if (opened.mode !== 'recovery') throw new Error('expected recovery mode');
    const result = await opened.recovery.dispatch('recovery.restore', {});
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({
      restoredFrom: { reason: 'manual' },
      reappliedChangesets: 0,
      outboxBundlesFound: 1,
      outboxBundlesApplied: 1,
    });
    opened.close();

    const db = new Database(rt.storePath, { readonly: true });
    try {
      const notes = new Set((db.prepare('SELECT id FROM evidence_note').all() as { id: string }[]).map((r) => r.id));
      for (const id of [...beforeBackup, ...afterBackup]) expect(notes.has(id)).toBe(true);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
  });
});
