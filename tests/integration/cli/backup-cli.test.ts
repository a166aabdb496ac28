import Database from 'better-sqlite3-multiple-ciphers';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { invoke } from '../../../main/services/dispatch.js';
import { openRuntime } from '../../../main/services/runtime.js';
import { openSqliteFile } from '../../../main/store/sqlite-file.js';
import { dumpSyncedTables } from '../../../main/store/materialize-repo.js';
import { quietLog, sampleInspection, storeKeyIn, tempDir } from '../../support/runtime.js';
import { damageMiddle, hashFile, saveNote } from '../backups/support.js';
import { ensureBuilt } from '../../support/built.js';

const work = tempDir('fieldwork-backup-cli-');
const cli = resolve('dist/cli/fieldwork.cjs');

// The real CLI as scripts/build.mjs builds it (npm test builds it once; built here when run on its own).
beforeAll(() => ensureBuilt('cli'), 120_000);
afterAll(() => rmSync(work, { recursive: true, force: true }));

function fieldwork(...args: string[]): { code: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], {
    encoding: 'utf8',
    env: { ...process.env, NODE_PATH: resolve('node_modules') },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

async function storeWithWork(name: string): Promise<string> {
  const dir = join(work, name);
  const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
  const inspection = await invoke(rt.ctx, 'inspections.create', { fields: sampleInspection });
  await invoke(rt.ctx, 'team.add', {
    inspectionId: inspection.id,
    fields: { name: 'Priya Shah', inspectorate: 'cqc', role: 'inspector', specialism: 'health' },
  });
  for (let i = 0; i < 60; i += 1) saveNote(rt.ctx, inspection.id, `Note ${i}: ${'evidence '.repeat(30)}`);
  rt.close();
  return rt.storePath;
}

/** Everything that must survive a round trip: the materialised rows and the whole op log. */
function canonical(path: string) {
  // A restore into a data folder encrypts the store with that folder's device key.
  const db = openSqliteFile(path, { key: storeKeyIn(dirname(path)) }, { readonly: true });
  try {
    return {
      tables: dumpSyncedTables(db),
      ops: db.prepare('SELECT * FROM op ORDER BY id').all(),
      changesets: db.prepare('SELECT * FROM changeset ORDER BY id').all(),
      heads: db.prepare('SELECT * FROM field_head ORDER BY tbl, row_id, field, op_id').all(),
    };
  } finally {
    db.close();
  }
}

describe('fieldwork backup / restore / check', () => {
  it('round-trips a store exactly through backup and restore', async () => {
    const storePath = await storeWithWork('roundtrip');
    const copy = join(work, 'roundtrip-copy.db');
    const backup = fieldwork('backup', '--data', join(work, 'roundtrip'), '--to', copy);
    expect(backup.stderr).toBe('');
    expect(backup.code).toBe(0);
    expect(backup.stdout).toMatch(/^Backed up .* \(\d+ KB, integrity check ok\)\.\n$/);

    const target = join(work, 'restored', 'fieldwork.db');
    // A data folder that does not exist yet is made only on purpose (--create).
    const refusedNew = fieldwork('restore', '--data', target, '--from', copy);
    expect(refusedNew.code).toBe(1);
    expect(existsSync(join(work, 'restored'))).toBe(false);
    const restore = fieldwork('restore', '--data', target, '--from', copy, '--create');
    expect(restore.code).toBe(0);
    expect(existsSync(target)).toBe(true);
    const original = canonical(storePath);
    expect(original.ops.length).toBeGreaterThan(180);
    expect(canonical(target)).toEqual(original);

    const check = fieldwork('check', '--data', target);
    expect(check.code).toBe(0);
    expect(check.stdout.trim().split('\n')).toHaveLength(1);
    expect(check.stdout).toMatch(/^ok: /);
  });

  it('refuses to overwrite an existing store without --force, and with --force keeps the old one aside', async () => {
    const storePath = await storeWithWork('overwrite');
    const other = await storeWithWork('other');
    const copy = join(work, 'other-copy.db');
    expect(fieldwork('backup', '--data', other, '--to', copy).code).toBe(0);
    const before = hashFile(storePath);

    const refused = fieldwork('restore', '--data', storePath, '--from', copy);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('already exists, so nothing was restored');
    expect(hashFile(storePath)).toBe(before);

    const forced = fieldwork('restore', '--data', storePath, '--from', copy, '--force');
    expect(forced.code).toBe(0);
    const asideDir = join(work, 'overwrite', 'set-aside');
    const aside = readdirSync(asideDir).filter((n) => n.endsWith('-before-restore.db'));
    expect(aside).toHaveLength(1);
    expect(hashFile(join(asideDir, aside[0] as string))).toBe(before);
    expect(canonical(storePath)).toEqual(canonical(other));
  });

  it('check exits 4 with one line for a damaged store; backup and restore refuse damaged files', async () => {
    const storePath = await storeWithWork('damaged');
    const good = join(work, 'damaged-good.db');
    expect(fieldwork('backup', '--data', storePath, '--to', good).code).toBe(0);
    damageMiddle(storePath);
    const damagedHash = hashFile(storePath);

    const check = fieldwork('check', '--data', storePath);
    expect(check.code).toBe(4);
    expect(check.stdout.trim().split('\n')).toHaveLength(1);
    expect(check.stdout).toMatch(/^damaged: /);

    const backup = fieldwork('backup', '--data', storePath, '--to', join(work, 'from-damaged.db'));
    expect(backup.code).toBe(4);
    expect(existsSync(join(work, 'from-damaged.db'))).toBe(false);

    // Restoring FROM a damaged file is refused and the target is untouched.
    const target = join(work, 'target', 'fieldwork.db');
    mkdirSync(join(work, 'target'), { recursive: true });
    copyFileSync(good, target);
    const targetHash = hashFile(target);
    const refused = fieldwork('restore', '--data', target, '--from', storePath, '--force');
    expect(refused.code).toBe(4);
    expect(refused.stderr).toContain('failed its integrity check');
    expect(hashFile(target)).toBe(targetHash);
    expect(hashFile(storePath)).toBe(damagedHash);

    // The damaged store restored from the good backup: the damaged file is kept aside.
    const restored = fieldwork('restore', '--data', storePath, '--from', good, '--force');
    expect(restored.code).toBe(0);
    expect(fieldwork('check', '--data', storePath).code).toBe(0);
    const aside = readdirSync(join(work, 'damaged', 'set-aside')).filter((n) => n.endsWith('.db'));
    expect(aside.map((n) => hashFile(join(work, 'damaged', 'set-aside', n)))).toContain(damagedHash);
  });

  it('puts the original back when the restored file does not open (a backup from a newer Fieldwork)', async () => {
    const storePath = await storeWithWork('putback');
    const future = join(work, 'future.db');
    expect(fieldwork('backup', '--data', storePath, '--to', future).code).toBe(0);
    const db = new Database(future);
    db.pragma('journal_mode = DELETE');
    db.pragma('user_version = 9999');
    db.close();
    const before = hashFile(storePath);

    const result = fieldwork('restore', '--data', storePath, '--from', future, '--force');
    expect(result.code).toBe(4);
    expect(result.stderr).toContain('newer version of Fieldwork');
    expect(hashFile(storePath)).toBe(before);
    expect(fieldwork('check', '--data', storePath).code).toBe(0);
  });
});
