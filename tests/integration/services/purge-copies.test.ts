/**
 * Purge reaches every copy of an inspection in the data folder, not just the live store:
 * backups, set-aside data files (what a restore replaced, a damaged store), "export everything
 * readable" JSON and leftovers of interrupted work. Copies that also hold other inspections are
 * cleaned in place and keep those; a copy that cannot be edited is removed only after the
 * readable work of other inspections in it is in the store; the summary says which was which.
 * Then the app starts again, restores the cleaned backup and carries on: the purged inspection
 * never comes back.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inTransaction } from '../../../main/services/context.js';
import { writeEdits } from '../../../main/sync/local-write.js';
import { restoreStoreFile } from '../../../main/store/backup.js';
import { purgeCopies } from '../../../main/services/purge-files.js';
import { ensureStage } from '../../../main/store/bundles-repo.js';
import { openSqliteFile } from '../../../main/store/sqlite-file.js';
import { newId } from '../../../shared/domain/ids.js';
import { sampleInspection, tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';
import { damageMiddle } from '../backups/support.js';

const CANARY = 'PURGECANARY51c2 the child disclosed at school';
const KEPT = 'KEEPNOTE83a0 practitioner discussion';
let runtime: TestRuntime | undefined;
afterEach(() => runtime?.dispose());

function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function writeNote(rt: TestRuntime, inspectionId: string, text: string): string {
  const id = newId();
  inTransaction(rt.ctx, () =>
    writeEdits(rt.ctx, inspectionId, [
      { table: 'evidence_note', row: id, field: 'text', value: text },
      { table: 'evidence_note', row: id, field: 'source', value: 'case_record' },
    ]),
  );
  return id;
}

function notesIn(path: string): string[] {
  const db = openSqliteFile(path, {}, { readonly: true });
  try {
    return (db.prepare('SELECT text FROM evidence_note ORDER BY text').all() as { text: string }[]).map((r) => r.text);
  } finally {
    db.close();
  }
}

/** Two inspections, a backup, a restore (so set-aside/ holds the replaced store), a readable export. */
async function laptopWithCopies() {
  const dir = tempDir('fieldwork-purge-copies-');
  let rt = await testRuntime({ dir });
  const doomed = await rt.call('inspections.create', {
    fields: { ...sampleInspection, localAuthority: 'Canaryshire', inspectorates: ['ofsted'] },
  });
  const kept = await rt.call('inspections.create', {
    fields: { ...sampleInspection, localAuthority: 'Keepborough', inspectorates: ['cqc'] },
  });
  for (let i = 0; i < 20; i += 1) writeNote(rt, doomed.id, `${CANARY} ${i}`);
  writeNote(rt, kept.id, KEPT);
  const backup = await rt.call('backups.create', {});
  writeNote(rt, kept.id, `${KEPT} written after the backup`);
  const readable = await rt.call('recovery.exportReadable', {});
  // Restore the backup (as `fieldwork restore --force` does): the replaced store goes to set-aside/.
  rt.close();
  const { setAsidePath } = restoreStoreFile(rt.storePath, join(dir, 'backups', backup.name));
  // An interrupted restore's copy and a half-written backup, as a crash would leave them.
  copyFileSync(join(dir, 'backups', backup.name), `${rt.storePath}.restoring`);
  writeFileSync(join(dir, 'backups', '.fieldwork-20260101T000000000Z-hourly.db.partial'), CANARY);
  rt = await testRuntime({ dir });
  runtime = rt;
  return { rt, dir, doomed, kept, readablePath: readable.path, setAsidePath: setAsidePath as string };
}

describe('purging an inspection from every copy in the data folder', () => {
  it('cleans it out of backups, set-aside data files and readable exports, keeping the other inspection in each', async () => {
    const { rt, dir, doomed, kept, readablePath, setAsidePath } = await laptopWithCopies();
    const holdsCanary = (file: string) => readFileSync(file).includes(Buffer.from('PURGECANARY51c2'));
    expect(filesUnder(dir).filter(holdsCanary).length).toBeGreaterThanOrEqual(4);
    // An import's stage left by a process that has exited, beside this connection's live one.
    const deadPid = spawnSync(process.execPath, ['-e', '']).pid;
    const staleStage = `${rt.storePath}-stage-${deadPid}-0-1`;
    writeFileSync(staleStage, 'ciphertext of a crashed import');
    ensureStage(rt.ctx.db, 'crashed-import', true);
    const liveStage = readdirSync(dir).filter((name) => name.startsWith(`fieldwork.db-stage-${process.pid}-`));
    expect(liveStage).toHaveLength(1);

    const result = await rt.call('inspections.purge', { id: doomed.id, confirmation: 'Canaryshire' });
    expect(existsSync(staleStage)).toBe(false);
    expect(existsSync(join(dir, liveStage[0]!))).toBe(true);

    // No byte of the purged inspection's text anywhere in the data folder.
    expect(filesUnder(dir).filter(holdsCanary)).toEqual([]);
    expect(filesUnder(dir).filter((f) => readFileSync(f).includes(Buffer.from('Canaryshire')))).toEqual([]);
    // The other inspection is still in every copy: the set-aside store (with the note written
    // after the backup, which only it and the live store had), the backups, the readable export.
    expect(notesIn(setAsidePath)).toEqual([KEPT, `${KEPT} written after the backup`]);
    for (const name of readdirSync(join(dir, 'backups'))) expect(notesIn(join(dir, 'backups', name))).toContain(KEPT);
    const document = JSON.parse(readFileSync(readablePath, 'utf8')) as { changesets: { inspection: string }[] };
    expect(new Set(document.changesets.map((c) => c.inspection))).toEqual(new Set([kept.id]));
    // And the summary says what happened to each file.
    expect(result.files).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: expect.stringMatching(/^set-aside\//), action: 'cleaned', what: 'setAside' }),
        expect.objectContaining({ path: expect.stringMatching(/^backups\//), action: 'cleaned', what: 'backup' }),
        expect.objectContaining({ path: expect.stringMatching(/^recovery\//), action: 'cleaned', what: 'readable' }),
        expect.objectContaining({ path: 'fieldwork.db.restoring', action: 'removed', what: 'leftover' }),
        expect.objectContaining({ path: expect.stringMatching(/\.partial$/), action: 'removed', what: 'leftover' }),
        expect.objectContaining({ path: `fieldwork.db-stage-${deadPid}-0-1`, action: 'removed', what: 'leftover' }),
      ]),
    );
    expect(result.summary).toMatch(/Removed 3 unfinished copies\./);
    expect(result.summary).toMatch(/Removed the inspection from .*1 set-aside data file.*which also hold other inspections/);
  });

  it('removes a copy that held only the purged inspection, and a damaged one only after saving the others’ work', async () => {
    const { rt, dir, doomed, kept, setAsidePath } = await laptopWithCopies();
    // The set-aside store (the one the restore replaced) alone holds a note written after the
    // backup; its disk fails. And another set-aside store holds only the doomed inspection.
    damageMiddle(setAsidePath, ['evidence_note', 'search_doc']);
    const onlyDoomed = join(dir, 'set-aside', 'fieldwork-20260102T000000000Z-only.db');
    const source = openSqliteFile(rt.storePath, {}, { readonly: true });
    source.prepare('VACUUM INTO ?').run(onlyDoomed);
    source.close();
    const only = openSqliteFile(onlyDoomed, {}, { readonly: false });
    only.prepare('DELETE FROM inspection WHERE id = ?').run(kept.id);
    only.close();
    expect((await rt.call('evidence.list', { inspectionId: kept.id })).notes).toHaveLength(1);

    const result = await rt.call('inspections.purge', { id: doomed.id, confirmation: 'Canaryshire' });

    expect(existsSync(onlyDoomed)).toBe(false);
    expect(existsSync(setAsidePath)).toBe(false);
    expect(result.files).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          path: 'set-aside/fieldwork-20260102T000000000Z-only.db',
          action: 'removed',
          note: 'it held nothing else',
        }),
        expect.objectContaining({
          path: expect.stringMatching(/^set-aside\/.*before-restore\.db$/),
          action: 'removed',
          note: expect.stringMatching(
            /could not be cleaned in place; its \d+ readable change\(s\) to other inspections are in the data file \(\d+ were already there, 1 re-applied, 0 refused/,
          ),
        }),
      ]),
    );
    // The note only the damaged copy held is in the store now: removing the copy lost nothing.
    const { notes } = await rt.call('evidence.list', { inspectionId: kept.id });
    expect(notes.map((n) => n.text).sort()).toEqual([KEPT, `${KEPT} written after the backup`]);
    expect(filesUnder(dir).filter((f) => readFileSync(f).includes(Buffer.from('PURGECANARY51c2')))).toEqual([]);
  });

  it('cut off after the copies and before the store, the inspection is still listed and purging again finishes', async () => {
    const { rt, dir, doomed, kept } = await laptopWithCopies();
    // What a crash or power cut right after the copies leaves: those cleaned, the store not yet.
    purgeCopies(rt.ctx, { inspectionId: doomed.id, at: new Date().toISOString(), by: 'test' }, () => undefined);
    expect((await rt.call('inspections.list', {})).map((i) => i.id).sort()).toEqual([doomed.id, kept.id].sort());
    const again = await rt.call('inspections.purge', { id: doomed.id, confirmation: 'Canaryshire' });
    expect(again.purged).toBe(true);
    expect((await rt.call('inspections.list', {})).map((i) => i.id)).toEqual([kept.id]);
    expect(filesUnder(dir).filter((f) => readFileSync(f).includes(Buffer.from('PURGECANARY51c2')))).toEqual([]);
  });

  it('holds across a restart, a restore of the cleaned backup and carrying on', async () => {
    const { rt, dir, doomed, kept } = await laptopWithCopies();
    await rt.call('inspections.purge', { id: doomed.id, confirmation: 'Canaryshire' });
    rt.close();
    // Second start: the purge record and the other inspection are there, the purged one is not.
    let again = await testRuntime({ dir });
    runtime = again;
    expect((await again.call('inspections.list', {})).map((i) => i.id)).toEqual([kept.id]);
    expect(await again.call('inspections.purgeLog', {})).toEqual([expect.objectContaining({ inspectionId: doomed.id })]);
    // Restore the (cleaned) backup and carry on: the purged inspection does not come back.
    const backup = (await again.call('backups.list', {})).at(-1)!;
    again.close();
    restoreStoreFile(again.storePath, join(dir, 'backups', backup.name));
    again = await testRuntime({ dir });
    runtime = again;
    expect((await again.call('inspections.list', {})).map((i) => i.id)).toEqual([kept.id]);
    writeNote(again, kept.id, 'carrying on after the restore');
    expect((await again.call('evidence.list', { inspectionId: kept.id })).notes.map((n) => n.text)).toContain(
      'carrying on after the restore',
    );
    expect(filesUnder(dir).filter((f) => readFileSync(f).includes(Buffer.from('PURGECANARY51c2')))).toEqual([]);
  });
});
