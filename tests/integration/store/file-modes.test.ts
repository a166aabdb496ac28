/**
 * Everything Fieldwork writes in its data folder is the owner's alone: store, WAL, an import's
 * stage file, backups, set-aside copies, bundles, readable exports and key files 0600, folders 0700, whatever the
 * umask, and an older store left 0644 is tightened when it is next opened.
 */
import { chmodSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { exportBundleToFile } from '../../../main/services/bundles.js';
import { restoreStoreFile } from '../../../main/store/backup.js';
import { ensureStage } from '../../../main/store/bundles-repo.js';
import { inTransaction } from '../../../main/services/context.js';
import { writeEdits } from '../../../main/sync/local-write.js';
import { newId } from '../../../shared/domain/ids.js';
import { sampleInspection, tempDir, testRuntime, type TestRuntime } from '../../support/runtime.js';

let runtime: TestRuntime | undefined;
afterEach(() => runtime?.dispose());

function modes(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (folder: string, prefix: string) => {
    for (const name of readdirSync(folder)) {
      const path = join(folder, name);
      const stat = statSync(path);
      out[`${prefix}${name}${stat.isDirectory() ? '/' : ''}`] = (stat.mode & 0o777).toString(8);
      if (stat.isDirectory()) walk(path, `${prefix}${name}/`);
    }
  };
  walk(dir, '');
  return out;
}

const privateOnly = (found: Record<string, string>) =>
  Object.entries(found).filter(([name, mode]) => mode !== (name.endsWith('/') ? '700' : '600'));

describe.skipIf(process.platform === 'win32')('file permissions in the data folder', () => {
  it('store, WAL, backups, set-aside copies, bundles, exports and keys are 0600 and folders 0700, across a restore', async () => {
    const previous = process.umask(0o022);
    try {
      const dir = tempDir('fieldwork-modes-');
      chmodSync(dir, 0o700);
      let rt = await testRuntime({ dir, encrypted: true });
      runtime = rt;
      const inspection = await rt.call('inspections.create', {
        fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] },
      });
      const id = newId();
      inTransaction(rt.ctx, () =>
        writeEdits(rt.ctx, inspection.id, [{ table: 'evidence_note', row: id, field: 'text', value: 'A note' }]),
      );
      const backup = await rt.call('backups.create', {});
      await rt.call('recovery.exportReadable', {});
      await exportBundleToFile(
        rt.ctx,
        { inspectionId: inspection.id, mode: 'full', recipients: { kind: 'team' } },
        join(dir, 'exported.fwbundle'),
      );
      await rt.call('sync.saveTarget', {
        inspectionId: inspection.id,
        kind: 'webdav',
        location: 'https://dav.example.invalid/fieldwork/',
        auth: 'password',
        username: 'lead',
        secret: 'a password',
      });
      ensureStage(rt.ctx.db, 'modes', true); // an import's stage file, as the first large import makes it
      expect(Object.keys(modes(dir))).toEqual(
        expect.arrayContaining([
          'fieldwork.db',
          'fieldwork.db-wal',
          expect.stringMatching(/^fieldwork\.db-stage-/),
          'device-keys.json',
        ]),
      );
      expect(privateOnly(modes(dir))).toEqual([]);

      // Restore (the replaced store goes to set-aside/), open again, carry on.
      rt.close();
      restoreStoreFile(rt.storePath, join(dir, 'backups', backup.name), { store: { key: rt.ctx.device.storeKey as string } });
      rt = await testRuntime({ dir, encrypted: true });
      runtime = rt;
      inTransaction(rt.ctx, () =>
        writeEdits(rt.ctx, inspection.id, [{ table: 'evidence_note', row: newId(), field: 'text', value: 'Carrying on' }]),
      );
      expect(Object.keys(modes(dir))).toEqual(expect.arrayContaining([expect.stringMatching(/^set-aside\/.*\.db$/)]));
      expect(privateOnly(modes(dir))).toEqual([]);
    } finally {
      process.umask(previous);
    }
  });

  it('tightens a store and WAL that an older version left readable by others', async () => {
    const dir = tempDir('fieldwork-modes-old-');
    let rt = await testRuntime({ dir });
    await rt.call('inspections.create', { fields: { ...sampleInspection, inspectorates: [...sampleInspection.inspectorates] } });
    rt.close();
    chmodSync(rt.storePath, 0o644);
    rt = await testRuntime({ dir });
    runtime = rt;
    expect((statSync(rt.storePath).mode & 0o777).toString(8)).toBe('600');
    expect((statSync(`${rt.storePath}-wal`).mode & 0o777).toString(8)).toBe('600');
  });
});
