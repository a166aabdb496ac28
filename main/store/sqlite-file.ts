/**
 * Opening SQLite files, encrypted or not. The store is encrypted at rest with
 * SQLite3MultipleCiphers (ChaCha20-Poly1305, its default) under a random 32-byte key that the
 * device's key vault holds (Electron safeStorage in the desktop app). Every place that opens a
 * store or a backup goes through here so the key is never forgotten on one path.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { closeSync, existsSync, openSync, readSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import type { Db } from './connection.js';
import { makePrivate } from './durable-file.js';

export interface FileAccess {
  /** Hex store key; absent for unencrypted files. */
  readonly key?: string | undefined;
  /** A better-sqlite3 binding built for the running runtime (Electron). */
  readonly nativeBinding?: string | undefined;
}

const KEY_PATTERN = /^[0-9a-f]{64}$/;
const PLAINTEXT_HEADER = Buffer.from('SQLite format 3\u0000', 'latin1');
const encrypted = new WeakSet<Db>();

function applyKey(db: Db, key: string): void {
  // The key is hex we generated; checking its shape keeps the PRAGMA free of injected text.
  if (!KEY_PATTERN.test(key)) throw new AppError('internal', 'The store key is not in the expected form.');
  db.pragma(`hexkey='${key}'`);
  encrypted.add(db);
}

/**
 * The files SQLite keeps beside a store; they hold its pages too, so they are as private as the
 * store, and move with it (set-aside, restore). An import's stage file (`-stage-<pid>-<thread>-<n>`,
 * stage-file.ts) is deliberately NOT one: it is encrypted under a key only its connection
 * holds, so it is never moved, copied or restored with the store, only deleted.
 */
export const COMPANION_SUFFIXES = ['-wal', '-shm', '-journal'] as const;

export function openSqliteFile(path: string, access: FileAccess, options: { readonly: boolean; fileMustExist?: boolean }): Db {
  const settings: Database.Options = { readonly: options.readonly, fileMustExist: options.fileMustExist ?? options.readonly };
  if (access.nativeBinding) settings.nativeBinding = access.nativeBinding;
  const db = new Database(path, settings);
  try {
    // A plain file (made before encryption, or a test store) opens without the key.
    if (access.key && !isPlaintextSqlite(path)) applyKey(db, access.key);
    // SECURITY: SQLite's temporary files (VACUUM's copy, sorts, statement journals) are NOT
    // encrypted; with temp_store=FILE a purge's VACUUM or a large merge writes note text in
    // the clear to the temp folder. Every connection keeps them in memory instead.
    db.pragma('temp_store = MEMORY');
    // SQLite creates the WAL and journal with the store's own mode, so a private store keeps
    // its companions private too; an older store made 0644 is tightened on its next open.
    if (!options.readonly && path !== ':memory:' && path !== '') {
      makePrivate(path);
      for (const suffix of COMPANION_SUFFIXES) makePrivate(path + suffix);
    }
  } catch (error) {
    db.close();
    throw error;
  }
  return db;
}

/** Whether this connection reads an encrypted file (backups then use VACUUM INTO, which keeps the encryption). */
export function isEncryptedConnection(db: Db): boolean {
  return encrypted.has(db);
}

/** A file that starts with SQLite's plain header is not encrypted. */
export function isPlaintextSqlite(path: string): boolean {
  if (!existsSync(path)) return false;
  const fd = openSync(path, 'r');
  try {
    const header = Buffer.alloc(PLAINTEXT_HEADER.length);
    const read = readSync(fd, header, 0, header.length, 0);
    return read === header.length && header.equals(PLAINTEXT_HEADER);
  } finally {
    closeSync(fd);
  }
}

/** SQLite's answer when a page does not decrypt: wrong key, or a file that is not a store at all. */
export function isNotADatabase(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return code === 'SQLITE_NOTADB' || (error instanceof Error && /file is not a database/i.test(error.message));
}

export function wrongKey(path: string): AppError {
  return new AppError(
    'store_locked',
    'The data file could not be unlocked with this device’s key. It may belong to another user account or computer, or its key was lost. The file has not been changed.',
    { path },
  );
}

/**
 * Encrypts an existing unencrypted store in place (first run after encryption arrived). The
 * WAL is folded in first; SQLite3MultipleCiphers rewrites every page in one transaction, so a
 * crash leaves either the old plain file or the new encrypted one. Plain backups beside it
 * would keep the text readable, so they are removed once the encrypted store opens.
 */
export function encryptPlaintextStore(path: string, key: string, access: FileAccess, backupsDir: string | null): void {
  const db = openSqliteFile(path, { nativeBinding: access.nativeBinding }, { readonly: false, fileMustExist: true });
  try {
    db.pragma('wal_checkpoint(TRUNCATE)');
    db.pragma('journal_mode = DELETE');
    if (!KEY_PATTERN.test(key)) throw new AppError('internal', 'The store key is not in the expected form.');
    db.pragma(`hexrekey='${key}'`);
  } finally {
    db.close();
  }
  const check = openSqliteFile(path, { ...access, key }, { readonly: true });
  try {
    check.prepare('SELECT count(*) FROM sqlite_schema').get();
  } finally {
    check.close();
  }
  if (backupsDir && existsSync(backupsDir)) {
    for (const name of readdirSync(backupsDir)) {
      const file = join(backupsDir, name);
      if (isPlaintextSqlite(file)) rmSync(file, { force: true });
    }
  }
}
