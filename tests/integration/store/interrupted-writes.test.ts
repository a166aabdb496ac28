/**
 * What a crash or power cut can leave beside the store, and how the next start copes without
 * falling into recovery mode or starting an empty store over the user's work:
 *  - a hot rollback journal (a write cut off while the file was still in rollback mode, e.g.
 *    the first switch to WAL of a restored backup) is rolled back by SQLite before the check;
 *  - a restore cut between setting the old store aside and renaming the restored copy in is
 *    finished from the verified `.restoring` copy.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { openStore, restoringPathFor } from '../../../main/store/connection.js';
import { openSqliteFile } from '../../../main/store/sqlite-file.js';
import { tempDir } from '../../support/runtime.js';

const KEY = 'ab'.repeat(32);
const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function storeWithNotes(): string {
  const dir = tempDir('fieldwork-interrupted-');
  dirs.push(dir);
  const path = join(dir, 'fieldwork.db');
  const db = openStore(path, { key: KEY });
  db.exec("INSERT INTO meta(key, value) VALUES ('marker', 'kept')");
  db.close();
  return path;
}

function marker(db: ReturnType<typeof openStore>): unknown {
  return (db.prepare("SELECT value FROM meta WHERE key = 'marker'").get() as { value: string } | undefined)?.value;
}

describe('what an interrupted write leaves beside the store', () => {
  it('a hot rollback journal is rolled back on the next open instead of the store being called damaged', () => {
    const path = storeWithNotes();
    const plain = openSqliteFile(path, { key: KEY }, { readonly: false });
    plain.pragma('journal_mode = DELETE');
    plain.close();
    // A process dies mid-transaction in rollback-journal mode (as a cut during the switch to WAL would).
    const child = spawnSync(
      process.execPath,
      [
        '-e',
        `const Database = require('better-sqlite3-multiple-ciphers');
         const db = new Database(${JSON.stringify(path)}); db.pragma("hexkey='${KEY}'"); db.pragma('cache_size = 1');
         db.exec('BEGIN'); for (let i = 0; i < 3000; i++) db.prepare("INSERT INTO meta(key, value) VALUES (?, ?)").run('junk' + i, 'x'.repeat(300));
         process.kill(process.pid, 'SIGKILL');`,
      ],
      { cwd: process.cwd() },
    );
    expect(child.signal).toBe('SIGKILL');
    expect(statSync(`${path}-journal`).size).toBeGreaterThan(0);

    const db = openStore(path, { key: KEY });
    try {
      expect(marker(db)).toBe('kept');
      expect(db.prepare("SELECT count(*) AS n FROM meta WHERE key LIKE 'junk%'").get()).toEqual({ n: 0 });
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    } finally {
      db.close();
    }
  });

  it('a restore cut between its two renames is finished from the verified copy, not started afresh', () => {
    const path = storeWithNotes();
    // The state a cut leaves: the old store moved away, the restored copy still under its temporary name.
    renameSync(path, restoringPathFor(path));
    expect(existsSync(path)).toBe(false);
    const db = openStore(path, { key: KEY });
    try {
      expect(marker(db)).toBe('kept');
      expect(existsSync(restoringPathFor(path))).toBe(false);
    } finally {
      db.close();
    }
  });
});
