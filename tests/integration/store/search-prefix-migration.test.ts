/**
 * Migration 0100 (FTS5 prefix indexes) on a store made by the code before it: schema 121 or later, the
 * full-text index without prefixes and no record of applied migrations. 0100 is numbered below
 * 121, so it must be applied as a late migration, keep the store's version, and keep every
 * note findable.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { invoke } from '../../../main/services/dispatch.js';
import { openRuntime } from '../../../main/services/runtime.js';
import { migration0010 } from '../../../main/store/migrations/0010-initial.js';
import { LATEST_SCHEMA_VERSION } from '../../../main/store/migrations/index.js';
import { quietLog, sampleInspection, tempDir } from '../../support/runtime.js';
import { saveNote } from '../backups/support.js';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** The full-text index and its triggers exactly as 0010 made them (what every store had before 0100). */
function fts0010(): string {
  const start = migration0010.indexOf('CREATE VIRTUAL TABLE search_fts');
  const end = migration0010.indexOf('CREATE TABLE case_list_import');
  return migration0010.slice(start, end);
}

const ftsSql = (db: Database.Database) =>
  (db.prepare("SELECT sql FROM sqlite_schema WHERE name = 'search_fts'").pluck().get() as string) ?? '';

async function storeFromBefore0100(): Promise<{ dir: string; storePath: string; inspectionId: string }> {
  const dir = tempDir('fieldwork-0100-');
  dirs.push(dir);
  const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
  const inspection = await invoke(rt.ctx, 'inspections.create', { fields: sampleInspection });
  saveNote(rt.ctx, inspection.id, 'Strategy discussion held without the police.');
  saveNote(rt.ctx, inspection.id, 'Stepdown to early help was well planned.');
  saveNote(rt.ctx, inspection.id, 'Health visitor saw the baby weekly.');
  rt.close();
  // Back to the layout the code before 0100 left: no prefix indexes, no migration log.
  const db = new Database(rt.storePath);
  db.exec(`DROP TRIGGER search_doc_ai; DROP TRIGGER search_doc_ad; DROP TRIGGER search_doc_au; DROP TABLE search_fts;
    ${fts0010()} INSERT INTO search_fts(search_fts) VALUES ('rebuild'); DROP TABLE schema_migration;`);
  // The schema version stays what the store had (121 or later): already past 0100's number.
  expect(db.pragma('user_version', { simple: true })).toBeGreaterThanOrEqual(121);
  expect(ftsSql(db)).not.toMatch(/prefix/);
  db.close();
  return { dir, storePath: rt.storePath, inspectionId: inspection.id };
}

describe('migration 0100: prefix indexes for search as you type', () => {
  it('is applied to a store already past its number, keeps the version and every note findable', async () => {
    const { dir, storePath, inspectionId } = await storeFromBefore0100();
    const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
    try {
      expect(ftsSql(rt.ctx.db as unknown as Database.Database)).toMatch(/prefix='2 3'/);
      expect(rt.ctx.db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
      const found = async (text: string, mode: 'typing' | 'ranked') =>
        (await invoke(rt.ctx, 'search.query', { inspectionId, text, mode })).hits.length;
      for (const mode of ['typing', 'ranked'] as const) {
        expect(await found('st', mode)).toBe(2);
        expect(await found('str', mode)).toBe(1);
        expect(await found('health vis', mode)).toBe(1);
      }
      // New notes are indexed through the recreated triggers.
      saveNote(rt.ctx, inspectionId, 'Strengths in supervision were evident.');
      expect(await found('st', 'typing')).toBe(3);
      expect(rt.ctx.db.prepare('SELECT name FROM schema_migration WHERE version = 100').pluck().get()).toBe('0100-search-prefix');
    } finally {
      rt.close();
    }
    // A backup was taken before the upgrade, as for any migration.
    expect(readdirSync(join(dir, 'backups')).some((n) => n.includes('pre-migration'))).toBe(true);
    // Opening again applies nothing more.
    const again = new Database(storePath);
    expect(again.prepare('SELECT count(*) FROM schema_migration WHERE version = 100').pluck().get()).toBe(1);
    again.close();
  });

  it('a new store gets the prefix indexes and records every migration it had', async () => {
    const dir = tempDir('fieldwork-0100-new-');
    dirs.push(dir);
    const rt = await openRuntime({ dataDir: dir, log: quietLog, encryptStore: false, backups: false });
    try {
      expect(ftsSql(rt.ctx.db as unknown as Database.Database)).toMatch(/prefix='2 3'/);
      const recorded = rt.ctx.db.prepare('SELECT version FROM schema_migration ORDER BY version').pluck().all();
      expect(recorded).toContain(10);
      expect(recorded).toContain(100);
      expect(recorded).toContain(LATEST_SCHEMA_VERSION);
    } finally {
      rt.close();
    }
  });
});
