/**
 * The file an import stages a bundle's verified changesets in (bundles-repo.ts), so a large
 * bundle sits on disk between verification and the write transaction instead of in SQLite's
 * temp database, which every connection keeps in RAM (temp_store=MEMORY, sqlite-file.ts).
 *
 * SECURITY: the stage holds decrypted note text, so it is an ATTACHed database ENCRYPTED
 * under a random key made for it, held only in this connection's memory, even when the store
 * itself is a plain test file. Once the connection is gone nothing in the file is readable:
 * it is never backed up, moved with the store or restored, only deleted. It is created 0600
 * before SQLite opens it, deleted when its connection closes, and one left by a crash is
 * deleted by the next open of the store (removeStaleStages) or by a purge.
 *
 * One file per connection, `<store>-stage-<pid>-<thread>-<n>`, so two connections, threads or
 * processes on one store never share one, and a stale file is told from a live one by its
 * owner: a process that has exited, or this thread when no open connection of it holds the
 * file. Another thread of this process (the core worker beside the shell) may hold its file
 * open, so that one is left alone; and a file that cannot be deleted is in use and is kept.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { threadId } from 'node:worker_threads';
import { AppError } from '../../shared/errors.js';
import type { Db } from './connection.js';
import { PRIVATE_FILE_MODE, makePrivate } from './durable-file.js';
import { processAlive } from './process-alive.js';

/** Where a connection's stage lives: the attached file, or the temp database (kept in memory). */
export type StageSchema = 'stage' | 'temp';

const STAGE_NAME = /-stage-(\d+)-(\d+)-(\d+)$/;
const RAW_KEY = /^raw:[0-9a-f]{64}$/;
const live = new Set<string>();
let made = 0;

/**
 * Attaches a new stage file to the connection and returns its schema; 'temp' (the stage in
 * memory, as before) for a store with no file of its own to sit beside (':memory:') and for a
 * read-only connection, which SQLite lets write its temp database but no attached file.
 */
export function attachStage(db: Db): StageSchema {
  if (db.readonly || db.memory) return 'temp';
  made += 1;
  const path = resolve(`${db.name}-stage-${process.pid}-${threadId}-${made}`);
  // 'wx': never adopt a file already there; SQLite treats the empty file as a new database.
  writeFileSync(path, '', { flag: 'wx', mode: PRIVATE_FILE_MODE });
  makePrivate(path);
  live.add(path);
  try {
    // "raw:" + 64 hex digits is SQLite3MultipleCiphers' form for a 256-bit ChaCha20 key used
    // as it is (a passphrase would cost a PBKDF2 run per attach); its shape is checked, as
    // applyKey does, although it is bound as a parameter rather than spliced into the SQL.
    const key = `raw:${randomBytes(32).toString('hex')}`;
    if (!RAW_KEY.test(key)) throw new AppError('internal', 'The stage key is not in the expected form.');
    db.prepare('ATTACH DATABASE ? AS stage KEY ?').run(path, key);
    // Nothing staged outlives the connection, so there is nothing to journal durably; no other
    // connection ever opens the file, so it is locked once; and zeroing freed pages (inherited
    // secure_delete) would only re-encrypt zeros under a key that dies with the connection.
    // Together they took a quarter off the stage's CPU in a micro-benchmark; the cipher is most
    // of the rest (an encrypted stage costs about three times the plain file's CPU).
    db.pragma('stage.journal_mode = MEMORY');
    db.pragma('stage.synchronous = OFF');
    db.pragma('stage.locking_mode = EXCLUSIVE');
    db.pragma('stage.secure_delete = OFF');
  } catch (error) {
    if (db.prepare("SELECT 1 FROM pragma_database_list WHERE name = 'stage'").get()) db.exec('DETACH DATABASE stage');
    forget(path);
    throw error;
  }
  const close = db.close.bind(db);
  db.close = () => {
    try {
      return close();
    } finally {
      forget(path);
    }
  };
  return 'stage';
}

function forget(path: string): void {
  live.delete(path);
  rmSync(path, { force: true });
}

/** Whether `path` is a stage file no open connection holds (its process exited, or closed it). */
export function isStaleStage(path: string): boolean {
  const match = STAGE_NAME.exec(basename(path));
  if (!match) return false;
  const pid = Number(match[1]);
  if (pid !== process.pid) return !processAlive(pid);
  return Number(match[2]) === threadId && !live.has(resolve(path));
}

/** Deletes the stale stage files beside a store (left by a crash). */
export function removeStaleStages(storePath: string): void {
  const dir = dirname(resolve(storePath));
  const prefix = `${basename(storePath)}-stage-`;
  for (const name of existsSync(dir) ? readdirSync(dir) : []) {
    const path = join(dir, name);
    if (!name.startsWith(prefix) || !isStaleStage(path)) continue;
    try {
      rmSync(path, { force: true });
    } catch {
      // Held open elsewhere (Windows refuses to delete an open file): in use, so not stale.
    }
  }
}
