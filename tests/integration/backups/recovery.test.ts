import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { invoke } from '../../../main/services/dispatch.js';
import { openRuntime, type RecoveryRuntime, type Runtime } from '../../../main/services/runtime.js';
import { dispatchToHost } from '../../../main/services/command-host.js';
import { quietLog, sampleInspection, tempDir } from '../../support/runtime.js';
import { damageMiddle, hashFile, saveNote } from './support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

interface Prepared {
  readonly dir: string;
  readonly storePath: string;
  readonly inspectionId: string;
  readonly beforeBackup: string[];
  readonly afterBackup: string[];
}

/** A store with notes, a backup, more notes after the backup, then damage in the middle. */
async function damagedStoreWithBackup(options: { backup: boolean }): Promise<Prepared> {
  const dir = tempDir('fieldwork-recovery-');
  dirs.push(dir);
  const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
  const inspection = await invoke(rt.ctx, 'inspections.create', { fields: sampleInspection });
  const beforeBackup = Array.from({ length: 40 }, (_, i) =>
    saveNote(rt.ctx, inspection.id, `Before backup ${i} ${'x'.repeat(300)}`),
  );
  if (options.backup) await invoke(rt.ctx, 'backups.create', {});
  const afterBackup = Array.from({ length: 40 }, (_, i) =>
    saveNote(rt.ctx, inspection.id, `After backup ${i} ${'y'.repeat(300)}`),
  );
  await invoke(rt.ctx, 'inspections.update', {
    id: inspection.id,
    fields: { ...sampleInspection, localAuthority: 'Renamed after backup' },
  });
  rt.close();
  damageMiddle(rt.storePath);
  return { dir, storePath: rt.storePath, inspectionId: inspection.id, beforeBackup, afterBackup };
}

function expectRecovery(rt: Runtime | RecoveryRuntime): RecoveryRuntime {
  if (rt.mode !== 'recovery') throw new Error('expected recovery mode');
  return rt;
}

describe('recovery of a damaged store', () => {
  it('refuses to open a damaged store without recovery mode and never changes the file', async () => {
    const p = await damagedStoreWithBackup({ backup: true });
    const before = hashFile(p.storePath);
    await expect(openRuntime({ dataDir: p.dir, log: quietLog, encryptStore: false })).rejects.toMatchObject({
      code: 'store_corrupt',
    });
    const rt = expectRecovery(await openRuntime({ dataDir: p.dir, log: quietLog, encryptStore: false, recovery: true }));
    const status = await rt.recovery.dispatch('recovery.status', {});
    expect(status).toMatchObject({ ok: true, value: { state: 'damaged', recoverableChangesets: expect.any(Number) } });
    const blocked = await dispatchToHost({ recovery: rt.recovery }, 'inspections.list', {});
    expect(blocked).toMatchObject({ ok: false, error: { code: 'store_corrupt' } });
    rt.close();
    expect(hashFile(p.storePath)).toBe(before);
  });

  it('restores the newest good backup and re-applies the newer work from the damaged op log', async () => {
    const p = await damagedStoreWithBackup({ backup: true });
    const damagedHash = hashFile(p.storePath);
    const rt = expectRecovery(await openRuntime({ dataDir: p.dir, log: quietLog, encryptStore: false, recovery: true }));
    const result = await rt.recovery.dispatch('recovery.restore', {});
    if (!result.ok) throw new Error(result.error.message);
    const value = result.value as { restoredFrom: { reason: string } | null; reappliedChangesets: number; setAsidePath: string };
    expect(value.restoredFrom?.reason).toBe('manual');
    expect(value.reappliedChangesets).toBeGreaterThanOrEqual(41);
    // The damaged file is kept, byte for byte.
    expect(hashFile(value.setAsidePath)).toBe(damagedHash);

    const served = rt.recovery.served();
    if (!served) throw new Error('nothing served after restore');
    const inspection = await invoke(served.ctx, 'inspections.get', { id: p.inspectionId });
    expect(inspection.localAuthority).toBe('Renamed after backup');
    rt.close();

    const db = new Database(p.storePath, { readonly: true });
    try {
      const ids = new Set((db.prepare('SELECT id FROM evidence_note').all() as { id: string }[]).map((r) => r.id));
      for (const id of [...p.beforeBackup, ...p.afterBackup]) expect(ids.has(id)).toBe(true);
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    } finally {
      db.close();
    }
    // It opens normally now, and a new edit sorts after the recovered ones.
    const again = await openRuntime({ dataDir: p.dir, log: quietLog, encryptStore: false, backups: false });
    const updated = await invoke(again.ctx, 'inspections.update', {
      id: p.inspectionId,
      fields: { ...sampleInspection, localAuthority: 'After recovery' },
    });
    expect(updated.localAuthority).toBe('After recovery');
    again.close();
  });

  it('passes over a backup that fails its integrity check and uses an older good one', async () => {
    const p = await damagedStoreWithBackup({ backup: true });
    const backupsDir = join(p.dir, 'backups');
    const [good] = readdirSync(backupsDir);
    if (!good) throw new Error('no backup');
    // A newer "backup" that is garbage.
    mkdirSync(backupsDir, { recursive: true });
    const bad = join(backupsDir, 'fieldwork-29991231T235959000Z-hourly.db');
    const bytes = readFileSync(join(backupsDir, good));
    bytes.fill(0x5a, 4096 * 2, 4096 * 4);
    writeFileSync(bad, bytes);
    const rt = expectRecovery(await openRuntime({ dataDir: p.dir, log: quietLog, encryptStore: false, recovery: true }));
    const result = await rt.recovery.dispatch('recovery.restore', {});
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({
      skippedBackups: ['fieldwork-29991231T235959000Z-hourly.db'],
      restoredFrom: { name: good },
    });
    rt.close();
  });

  it('an emptied data file opens recovery mode instead of starting afresh, and the backup brings the work back', async () => {
    const dir = tempDir('fieldwork-recovery-');
    dirs.push(dir);
    const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
    const inspection = await invoke(rt.ctx, 'inspections.create', { fields: sampleInspection });
    await invoke(rt.ctx, 'backups.create', {});
    rt.close();
    writeFileSync(rt.storePath, '');
    const opened = expectRecovery(await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, recovery: true }));
    expect(opened.problem).toContain('damaged or could not be read');
    const result = await opened.recovery.dispatch('recovery.restore', {});
    expect(result).toMatchObject({ ok: true, value: { restoredFrom: { reason: 'manual' } } });
    const served = opened.recovery.served();
    if (!served) throw new Error('nothing served');
    expect((await invoke(served.ctx, 'inspections.get', { id: inspection.id })).localAuthority).toBe(
      sampleInspection.localAuthority,
    );
    opened.close();
  });

  it('rebuilds from the op log alone when there is no backup', async () => {
    const p = await damagedStoreWithBackup({ backup: false });
    const rt = expectRecovery(await openRuntime({ dataDir: p.dir, log: quietLog, encryptStore: false, recovery: true }));
    const result = await rt.recovery.dispatch('recovery.restore', {});
    if (!result.ok) throw new Error(result.error.message);
    expect(result.value).toMatchObject({ restoredFrom: null });
    const served = rt.recovery.served();
    if (!served) throw new Error('nothing served');
    const inspection = await invoke(served.ctx, 'inspections.get', { id: p.inspectionId });
    expect(inspection.localAuthority).toBe('Renamed after backup');
    rt.close();
  });

  it('opens the damaged store read-only: reads answer, writes are refused, the file is unchanged', async () => {
    const p = await damagedStoreWithBackup({ backup: true });
    const before = hashFile(p.storePath);
    const rt = expectRecovery(await openRuntime({ dataDir: p.dir, log: quietLog, encryptStore: false, recovery: true }));
    const host = { recovery: rt.recovery };
    expect(await dispatchToHost(host, 'recovery.openReadOnly', {})).toMatchObject({ ok: true, value: { state: 'readOnly' } });
    const read = await dispatchToHost(host, 'inspections.get', { id: p.inspectionId });
    expect(read).toMatchObject({ ok: true, value: { localAuthority: 'Renamed after backup' } });
    const write = await dispatchToHost(host, 'inspections.update', {
      id: p.inspectionId,
      fields: { ...sampleInspection, localAuthority: 'Nope' },
    });
    expect(write).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    rt.close();
    expect(hashFile(p.storePath)).toBe(before);
  });

  it('exports everything readable as JSON with verbatim signed changesets', async () => {
    const p = await damagedStoreWithBackup({ backup: false });
    const before = hashFile(p.storePath);
    const rt = expectRecovery(await openRuntime({ dataDir: p.dir, log: quietLog, encryptStore: false, recovery: true }));
    const result = await rt.recovery.dispatch('recovery.exportReadable', {});
    if (!result.ok) throw new Error(result.error.message);
    const value = result.value as { path: string; changesets: number };
    expect(existsSync(value.path)).toBe(true);
    const document = JSON.parse(readFileSync(value.path, 'utf8')) as { changesets: { bodyBase64: string }[] };
    expect(document.changesets.length).toBe(value.changesets);
    expect(value.changesets).toBeGreaterThanOrEqual(82);
    rt.close();
    expect(hashFile(p.storePath)).toBe(before);
  });
});
