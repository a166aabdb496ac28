import Database from 'better-sqlite3-multiple-ciphers';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { invoke } from '../../../main/services/dispatch.js';
import { openRuntime } from '../../../main/services/runtime.js';
import { openStore } from '../../../main/store/connection.js';
import { LATEST_SCHEMA_VERSION } from '../../../main/store/migrations/index.js';
import { quietLog, sampleInspection, tempDir } from '../../support/runtime.js';
import { hashFile, saveNote } from './support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

async function storeWithWork(): Promise<{ dir: string; storePath: string }> {
  const dir = tempDir('fieldwork-migration-');
  dirs.push(dir);
  const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
  const inspection = await invoke(rt.ctx, 'inspections.create', { fields: sampleInspection });
  for (let i = 0; i < 30; i += 1) saveNote(rt.ctx, inspection.id, `Note ${i}`);
  rt.close();
  return { dir, storePath: rt.storePath };
}

describe('migrations and backups', () => {
  it('a failed migration leaves the store byte-for-byte unchanged, says so, and a pre-migration backup exists', async () => {
    const { dir, storePath } = await storeWithWork();
    const before = hashFile(storePath);
    const good = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: '9001-adds-a-table',
      sql: 'CREATE TABLE test_extra (id TEXT PRIMARY KEY) STRICT;',
    };
    const failing = {
      version: LATEST_SCHEMA_VERSION + 2,
      name: '9002-fails',
      sql: "INSERT INTO test_extra VALUES ('a'); UPDATE evidence_note SET text = 'changed'; SELECT * FROM no_such_table;",
    };
    let message = '';
    try {
      openStore(storePath, { extraMigrations: [good, failing] }).close();
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(message).toContain('could not upgrade the data file (step 9002-fails)');
    expect(message).toContain('left as it was');
    expect(hashFile(storePath)).toBe(before);

    const backups = readdirSync(join(dir, 'backups')).filter((n) => n.endsWith('-pre-migration.db'));
    expect(backups).toHaveLength(1);
    const backup = new Database(join(dir, 'backups', backups[0] as string), { readonly: true });
    try {
      expect(backup.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(backup.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect((backup.prepare('SELECT count(*) AS n FROM evidence_note').get() as { n: number }).n).toBe(30);
    } finally {
      backup.close();
    }
    // The store still opens at its old version with its data.
    const db = openStore(storePath);
    try {
      expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      expect(db.prepare("SELECT 1 FROM sqlite_schema WHERE name = 'test_extra'").get()).toBeUndefined();
    } finally {
      db.close();
    }
  });

  it('a successful migration is preceded by a backup at the old version', async () => {
    const { dir, storePath } = await storeWithWork();
    const extra = {
      version: LATEST_SCHEMA_VERSION + 1,
      name: '9001-ok',
      sql: 'CREATE TABLE test_extra (id TEXT PRIMARY KEY) STRICT;',
    };
    openStore(storePath, { extraMigrations: [extra] }).close();
    const [name] = readdirSync(join(dir, 'backups')).filter((n) => n.endsWith('-pre-migration.db'));
    const backup = new Database(join(dir, 'backups', name as string), { readonly: true });
    try {
      expect(backup.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    } finally {
      backup.close();
    }
  });

  it('a brand-new store needs no pre-migration backup', async () => {
    const dir = tempDir('fieldwork-migration-');
    dirs.push(dir);
    openStore(join(dir, 'fieldwork.db')).close();
    expect(() => readdirSync(join(dir, 'backups'))).toThrow();
  });
});
