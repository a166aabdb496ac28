/**
 * Migration 0150 (open note drafts) on a store made by the code before it: schema 135, no
 * `draft_edit`. Opening it adds the table, keeps every note, and autosave works on it at once.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { newId } from '../../../shared/domain/ids.js';
import { invoke } from '../../../main/services/dispatch.js';
import { openRuntime } from '../../../main/services/runtime.js';
import { LATEST_SCHEMA_VERSION } from '../../../main/store/migrations/index.js';
import { quietLog, sampleInspection, tempDir } from '../../support/runtime.js';
import { saveNote } from '../backups/support.js';
import { UNDO_0160, UNDO_0170, UNDO_0180 } from '../../support/older-schema.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('migration 0150: open note drafts', () => {
  it('adds draft_edit to a schema-135 store, keeps its notes, and autosave drafts on it', async () => {
    const dir = tempDir('fieldwork-0150-');
    dirs.push(dir);
    const before = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
    const inspection = await invoke(before.ctx, 'inspections.create', { fields: sampleInspection });
    saveNote(before.ctx, inspection.id, 'Strategy discussion held without the police.');
    before.close();
    // Back to what the code before 0140 left (so without 0150, 0160 and 0170 either).
    const old = new Database(before.storePath);
    old.exec(
      UNDO_0180 +
        UNDO_0170 +
        UNDO_0160 +
        'DROP TABLE draft_edit; DROP INDEX evidence_note_by_inspection_order; ' +
        'CREATE INDEX evidence_note_by_inspection ON evidence_note(inspection_id, created_at); ' +
        'DELETE FROM schema_migration WHERE version IN (140, 150); PRAGMA user_version = 135;',
    );
    old.close();

    const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
    try {
      expect(rt.ctx.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      const notes = await invoke(rt.ctx, 'evidence.list', { inspectionId: inspection.id });
      expect(notes.notes.map((n) => n.text)).toEqual(['Strategy discussion held without the police.']);
      const id = newId();
      await invoke(rt.ctx, 'evidence.create', {
        inspectionId: inspection.id,
        id,
        fields: { text: 'Seen at home.', source: 'case_record', agency: null, themes: [], polarity: null, caseId: null },
      });
      expect(rt.ctx.db.prepare('SELECT count(*) FROM draft_edit WHERE row_id = ?').pluck().get(id)).toBe(8);
      expect(await invoke(rt.ctx, 'evidence.sealDraft', { id })).toEqual({ changesets: 1, ops: 8 });
    } finally {
      rt.close();
    }
  });
});
