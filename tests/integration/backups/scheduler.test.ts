import Database from 'better-sqlite3-multiple-ciphers';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { invoke } from '../../../main/services/dispatch.js';
import { openRuntime } from '../../../main/services/runtime.js';
import { backupsToKeep, listBackups, newBackupPath, pruneBackups, type BackupEntry } from '../../../main/store/backup.js';
import { quietLog, sampleInspection, tempDir } from '../../support/runtime.js';
import { saveNote } from './support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function newDir(): string {
  const dir = tempDir('fieldwork-backups-');
  dirs.push(dir);
  return dir;
}

function checkBackup(path: string): { integrity: unknown; fk: unknown[]; notes: number; orphanOps: number } {
  const db = new Database(path, { readonly: true });
  try {
    return {
      integrity: db.pragma('integrity_check', { simple: true }),
      fk: db.pragma('foreign_key_check') as unknown[],
      notes: (db.prepare('SELECT count(*) AS n FROM evidence_note').get() as { n: number }).n,
      // Every op's changeset is in the same snapshot: the copy is one consistent state.
      orphanOps: (
        db.prepare('SELECT count(*) AS n FROM op WHERE changeset_id NOT IN (SELECT id FROM changeset)').get() as { n: number }
      ).n,
    };
  } finally {
    db.close();
  }
}

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('rolling backups', () => {
  it('backups taken while notes are being saved each pass integrity_check, and saving carries on meanwhile', async () => {
    const dir = newDir();
    const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: { pagesPerStep: 16 } });
    const inspection = await invoke(rt.ctx, 'inspections.create', { fields: sampleInspection });
    for (let i = 0; i < 120; i += 1) saveNote(rt.ctx, inspection.id, `Seed note ${i} ${'z'.repeat(200)}`);
    const scheduler = rt.backups;
    if (!scheduler) throw new Error('no scheduler');
    const taken: string[] = [];
    let savedDuringBackups = 0;
    for (let round = 0; round < 3; round += 1) {
      let done = false;
      const backup = scheduler.backupNow('hourly', true).then((entry) => {
        done = true;
        if (entry) taken.push(entry.path);
      });
      while (!done) {
        saveNote(rt.ctx, inspection.id, `Typed during backup ${round}`);
        await invoke(rt.ctx, 'inspections.update', {
          id: inspection.id,
          fields: { ...sampleInspection, theme: `Theme edited ${savedDuringBackups}` },
        });
        savedDuringBackups += 1;
        await tick();
      }
      await backup;
    }
    expect(taken).toHaveLength(3);
    // The backup copies pages in steps, so saving went on while it ran.
    expect(savedDuringBackups).toBeGreaterThan(3);
    for (const path of taken) {
      const result = checkBackup(path);
      expect(result.integrity).toBe('ok');
      expect(result.fk).toEqual([]);
      expect(result.orphanOps).toBe(0);
      expect(result.notes).toBeGreaterThanOrEqual(120);
    }
    rt.close();
  });

  it('takes a backup on quit only when something changed', async () => {
    const dir = newDir();
    const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false });
    rt.close();
    expect(listBackups(join(dir, 'backups'))).toEqual([]);
    const again = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false });
    await invoke(again.ctx, 'inspections.create', { fields: sampleInspection });
    again.close();
    const backups = listBackups(join(dir, 'backups'));
    expect(backups.map((b) => b.reason)).toEqual(['quit']);
    expect(checkBackup(backups[0]?.path as string).integrity).toBe('ok');
  });

  it('takes a timed backup once the interval has passed and the store changed, not otherwise', async () => {
    const dir = newDir();
    let clock = Date.parse('2026-11-23T09:00:00Z');
    const rt = await openRuntime({
      dataDir: dir,
      log: quietLog,
      now: () => clock,
      backups: { intervalMs: 60 * 60 * 1000, checkEveryMs: 20 },
    });
    const inspection = await invoke(rt.ctx, 'inspections.create', { fields: sampleInspection });
    const waitFor = async (count: number) => {
      for (let i = 0; i < 500 && listBackups(join(dir, 'backups')).length < count; i += 1) {
        await new Promise((r) => setTimeout(r, 10));
      }
      return listBackups(join(dir, 'backups'));
    };
    expect((await waitFor(1)).map((b) => b.reason)).toEqual(['hourly']);
    // Within the hour: nothing more, even with changes.
    saveNote(rt.ctx, inspection.id, 'Within the hour');
    clock += 30 * 60 * 1000;
    await new Promise((r) => setTimeout(r, 200));
    expect(listBackups(join(dir, 'backups'))).toHaveLength(1);
    // An hour on, with a change pending: a second backup.
    clock += 31 * 60 * 1000;
    expect(await waitFor(2)).toHaveLength(2);
    // Another hour with no change: none.
    clock += 2 * 60 * 60 * 1000;
    await new Promise((r) => setTimeout(r, 200));
    expect(listBackups(join(dir, 'backups'))).toHaveLength(2);
    rt.close();
  });

  it('retention keeps the newest 24, one per day for 7 days, 5 pre-migration ones and every CLI backup', () => {
    const dir = newDir();
    const start = Date.parse('2026-11-01T00:00:00Z');
    // Ten days of hourly backups (240), some pre-migration and CLI ones.
    for (let h = 0; h < 240; h += 1) writeFileSync(newBackupPath(dir, 'hourly', new Date(start + h * 3_600_000)), 'x');
    for (let m = 0; m < 8; m += 1) writeFileSync(newBackupPath(dir, 'pre-migration', new Date(start + m * 86_400_000)), 'x');
    writeFileSync(newBackupPath(dir, 'cli', new Date(start)), 'x');
    writeFileSync(join(dir, 'notes.txt'), 'not a backup');
    const removed = pruneBackups(dir);
    const kept = listBackups(dir);
    const hourly = kept.filter((b) => b.reason === 'hourly');
    // 24 newest cover the last day; 6 more days keep their newest.
    expect(hourly).toHaveLength(24 + 6);
    expect(hourly[0]?.createdAt).toBe(new Date(start + 239 * 3_600_000).toISOString());
    const days = new Set(hourly.map((b) => b.createdAt.slice(0, 10)));
    expect(days.size).toBe(7);
    expect(kept.filter((b) => b.reason === 'pre-migration')).toHaveLength(5);
    expect(kept.filter((b) => b.reason === 'cli')).toHaveLength(1);
    expect(removed).toHaveLength(240 + 8 + 1 - kept.length);
    // Pruning again changes nothing; a bounded set stays bounded.
    expect(pruneBackups(dir)).toEqual([]);
    const names = (entries: BackupEntry[]) => entries.map((e) => e.name);
    expect(backupsToKeep(kept, { recent: 24, daily: 7, preMigration: 5 }).size).toBe(names(kept).length);
  });
});
