import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3-multiple-ciphers';
import { afterEach, describe, expect, it } from 'vitest';
import { CACHE_KIB, openStore } from '../../../main/store/connection.js';
import { LATEST_SCHEMA_VERSION } from '../../../main/store/migrations/index.js';
import { tempDir } from '../../support/runtime.js';
import { rmSync } from 'node:fs';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const hash = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

describe('the store schema version', () => {
  it('records the schema version and sets the durability pragmas', () => {
    const dir = tempDir();
    dirs.push(dir);
    const db = openStore(join(dir, 'fieldwork.db'));
    expect(db.pragma('user_version', { simple: true })).toBe(LATEST_SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('synchronous', { simple: true })).toBe(2);
    expect(db.pragma('secure_delete', { simple: true })).toBe(1);
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    // A page cache sized for the encrypted store (a miss costs a decrypt), not SQLite's 2 MB.
    expect(db.pragma('cache_size', { simple: true })).toBe(-CACHE_KIB);
    expect(CACHE_KIB).toBeGreaterThanOrEqual(32 * 1024);
    db.close();
  });

  it('refuses a store written by a newer version with a clear error and leaves it byte-for-byte unchanged', () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir, 'fieldwork.db');
    const future = new Database(path);
    future.exec('CREATE TABLE something_new (x INTEGER)');
    future.pragma(`user_version = ${LATEST_SCHEMA_VERSION + 100}`);
    future.close();
    const before = hash(path);

    expect(() => openStore(path)).toThrowError(/newer version of Fieldwork/);
    try {
      openStore(path);
    } catch (error) {
      expect(error).toMatchObject({ code: 'store_from_future' });
    }
    expect(hash(path)).toBe(before);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });

  it('migrating an existing store keeps its data', () => {
    const dir = tempDir();
    dirs.push(dir);
    const path = join(dir, 'fieldwork.db');
    const first = openStore(path);
    first.prepare("INSERT INTO meta(key, value) VALUES ('k', 'v')").run();
    first.close();
    const again = openStore(path);
    expect(again.prepare("SELECT value FROM meta WHERE key = 'k'").get()).toEqual({ value: 'v' });
    again.close();
  });
});
