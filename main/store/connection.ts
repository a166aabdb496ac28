/**
 * Opening the store: refuse a file from a newer app or a damaged file before touching it
 * (a quick integrity check on a read-only handle), then set the durability pragmas, take a
 * backup if migrations are pending, and apply them all in one transaction.
 *
 * INVARIANT: a corrupt or unreadable store is never written to, overwritten or deleted here;
 * the caller gets `store_corrupt` and offers recovery instead.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import { copyFileSync, existsSync, rmSync, statSync } from 'node:fs';
import { basename } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { backupsDirFor, newBackupPath, pruneBackups, snapshotSync } from './backup.js';
import { renameDurably, synchronousLevel } from './durable-file.js';
import { checkStoreFile, quickCheck } from './integrity.js';
import { encryptPlaintextStore, isNotADatabase, isPlaintextSqlite, openSqliteFile, wrongKey } from './sqlite-file.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';
import { removeStaleStages } from './stage-file.js';

export type Db = Database.Database;

/** A write path's handle: the whole driver (run, exec, transactions). Every open store is one. */
export type WritableDb = Db;

/**
 * A statement a read path may prepare: it can be read from, never run. `P` is the tuple of
 * bind parameters (one object for named `@param`s) and `R` the row it reads, so `get()` gives
 * `R | undefined` and `all()` gives `R[]` with no cast: the row type is stated once, where the
 * statement is prepared.
 */
export type ReadStatement<P extends unknown[] = unknown[], R = unknown> = Pick<
  Database.Statement<P, R>,
  'get' | 'all' | 'iterate' | 'pluck' | 'raw' | 'columns' | 'reader'
>;

/**
 * What a read query is given: it can prepare and read statements, and nothing else (no
 * `run`, `exec`, `transaction`, pragmas, backups or `close`), so a function that takes a
 * `ReadableDb` cannot write, and cannot hand its handle to one that takes a `WritableDb`.
 * Any open store is a `ReadableDb` too; tests/unit/layers/readable-db.typecheck.ts proves
 * the refusals.
 */
export interface ReadableDb {
  readonly readonly: boolean;
  readonly inTransaction: boolean;
  prepare<P extends unknown[] = unknown[], R = unknown>(sql: string): ReadStatement<P, R>;
}

/** The bind parameters of a statement that takes named `@param`s: one object. */
export type NamedParams = [Record<string, unknown>];

export interface OpenStoreOptions {
  /** Path of a better-sqlite3 native binding built for the running runtime (Electron). */
  readonly nativeBinding?: string;
  readonly readonly?: boolean;
  /** Extra migrations after the shipped ones; tests use this to prove a failed migration changes nothing. */
  readonly extraMigrations?: readonly Migration[];
  /** Skips the quick check: only for opening a damaged store read-only to salvage what is readable. */
  readonly skipIntegrityCheck?: boolean;
  /** Where the pre-migration backup goes (default: `backups/` next to the store). */
  readonly backupDir?: string;
  /** Hex key that encrypts the store at rest; an existing unencrypted store is encrypted on open. */
  readonly key?: string;
}

function rawOpen(path: string, options: OpenStoreOptions, readonly: boolean): Db {
  return openSqliteFile(path, { key: options.key, nativeBinding: options.nativeBinding }, { readonly });
}

function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

function corrupt(path: string, reason: string): AppError {
  return new AppError(
    'store_corrupt',
    'The data file is damaged or could not be read. It has not been changed; Fieldwork can restore it from a backup.',
    { path, reason },
  );
}

/** Schema version and (unless skipped) a quick check, on a read-only handle. */
function inspectReadOnly(path: string, options: OpenStoreOptions, check: boolean): number {
  let db: Db;
  try {
    db = rawOpen(path, options, true);
  } catch (error) {
    throw corrupt(path, String(error));
  }
  try {
    let version: number;
    try {
      version = schemaVersion(db);
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    } catch (error) {
      if (options.key && !isPlaintextSqlite(path) && isNotADatabase(error)) throw wrongKey(path);
      throw error;
    }
    if (check) {
      const result = quickCheck(db);
      if (!result.ok) throw corrupt(path, result.problem);
    }
    return version;
  } catch (error) {
    throw error instanceof AppError ? error : corrupt(path, String(error));
  } finally {
    db.close();
  }
}

/** Where a restore puts the verified copy of a backup before it takes the store's name. */
export function restoringPathFor(storePath: string): string {
  return `${storePath}.restoring`;
}

/**
 * A restore cut off (power, crash) after the old store was set aside but before the restored
 * copy took its name leaves no store and a whole, fsynced `.restoring` copy: finish the move
 * rather than start an empty store over the user's work.
 */
function finishInterruptedRestore(path: string, options: OpenStoreOptions): void {
  const incoming = restoringPathFor(path);
  if (options.readonly || existsSync(path) || !existsSync(incoming)) return;
  if (!checkStoreFile(incoming, 'quick', { key: options.key, nativeBinding: options.nativeBinding }).ok) return;
  renameDurably(incoming, path);
}

/** Whether the key decrypts the file's first page, checked on a copy so a hot journal is not touched. */
function keyOpens(path: string, options: OpenStoreOptions): boolean {
  if (!options.key || isPlaintextSqlite(path)) return true;
  const copy = `${path}.keycheck`;
  try {
    copyFileSync(path, copy);
    const db = openSqliteFile(copy, { key: options.key, nativeBinding: options.nativeBinding }, { readonly: true });
    try {
      schemaVersion(db);
      return true;
    } finally {
      db.close();
    }
  } catch {
    return false;
  } finally {
    rmSync(copy, { force: true });
  }
}

/**
 * A write cut off while the store was in rollback-journal mode (its first switch to WAL, the
 * one-time encryption) leaves a hot journal: SQLite must roll it back before the file can be
 * read, and only a writable handle can. That is SQLite's own recovery, not a change to the
 * user's data, so it is done here (with the right key only) before the read-only check.
 */
function rollBackHotJournal(path: string, options: OpenStoreOptions): void {
  const journal = `${path}-journal`;
  if (options.readonly || !existsSync(journal) || statSync(journal).size === 0 || !keyOpens(path, options)) return;
  try {
    const db = rawOpen(path, options, false);
    try {
      db.prepare('SELECT count(*) FROM sqlite_schema').get();
    } finally {
      db.close();
    }
  } catch {
    // Still unreadable: the check that follows reports it and recovery takes over.
  }
}

/** The page cache per connection, in KiB (see openStore). */
export const CACHE_KIB = 65_536;

export function openStore(path: string, options: OpenStoreOptions = {}): Db {
  const migrations = [...MIGRATIONS, ...(options.extraMigrations ?? [])];
  const latest = Math.max(LATEST_SCHEMA_VERSION, ...migrations.map((m) => m.version));
  finishInterruptedRestore(path, options);
  if (existsSync(path) && statSync(path).size > 0) rollBackHotJournal(path, options);
  if (existsSync(path)) {
    // SQLite would treat an emptied file as a new database and start afresh over lost work.
    if (statSync(path).size === 0) throw corrupt(path, 'the file is empty');
    if (options.key && !options.readonly && isPlaintextSqlite(path)) {
      // Check the plain store is sound before rewriting it encrypted; a damaged one is left alone.
      inspectReadOnly(path, { ...options, key: undefined }, options.skipIntegrityCheck !== true);
      encryptPlaintextStore(path, options.key, options, options.backupDir ?? backupsDirFor(path));
    }
    const found = inspectReadOnly(path, options, options.skipIntegrityCheck !== true);
    if (found > latest) {
      throw new AppError(
        'store_from_future',
        `This data file was written by a newer version of Fieldwork (schema ${found}; this version understands up to ${latest}). Update Fieldwork to open it. The file has not been changed.`,
        { found, supported: latest },
      );
    }
  }
  const db = rawOpen(path, options, options.readonly === true);
  try {
    // An import's stage file left by a crash holds nothing readable (its key died with it).
    if (!options.readonly && !db.memory) removeStaleStages(path);
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${synchronousLevel()}`);
      db.pragma('secure_delete = ON');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    // Every page read from disk is decrypted (the store is encrypted at rest), so a miss costs
    // a cipher pass as well as I/O: keep up to 64 MB of decrypted pages per connection (the
    // default is 2 MB, less than the full-text index of one large inspection).
    db.pragma(`cache_size = -${CACHE_KIB}`);
    if (!options.readonly) applyMigrations(db, migrations, () => backupBeforeMigration(db, path, options));
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** A consistent copy of a store that already holds data, taken before its schema changes. */
function backupBeforeMigration(db: Db, path: string, options: OpenStoreOptions): string | null {
  if (schemaVersion(db) === 0) return null;
  const dir = options.backupDir ?? backupsDirFor(path);
  const target = newBackupPath(dir, 'pre-migration', new Date());
  try {
    snapshotSync(db, target);
  } catch (error) {
    throw new AppError(
      'io_failed',
      'Fieldwork could not take a backup before upgrading the data file, so it did not upgrade it. The file has been left as it was.',
      { reason: String(error), backupDir: dir },
    );
  }
  pruneBackups(dir);
  return target;
}

/** Which migrations a store has had, for late ones (see Migration.late); every applied one is recorded. */
const MIGRATION_LOG = `CREATE TABLE IF NOT EXISTS schema_migration (
  version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL) STRICT`;

function recordedMigrations(db: Db): Set<number> {
  const exists = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'schema_migration'").get();
  if (!exists) return new Set();
  return new Set(db.prepare<[], number>('SELECT version FROM schema_migration').pluck().all());
}

function applyMigrations(db: Db, migrations: readonly Migration[], backup: () => string | null): void {
  const current = schemaVersion(db);
  const recorded = recordedMigrations(db);
  const pending = migrations.filter((m) => m.version > current || (m.late === true && !recorded.has(m.version)));
  const backupPath = pending.length > 0 ? backup() : null;
  // All pending steps in ONE transaction: a failure at any step leaves the file as it was.
  let failed: Migration | null = null;
  const apply = db.transaction(() => {
    if (pending.length > 0) db.exec(MIGRATION_LOG);
    let version = current;
    for (const migration of pending) {
      failed = migration;
      db.exec(migration.sql);
      // A late migration never lowers the version: the store keeps every later step it had.
      version = Math.max(version, migration.version);
      db.pragma(`user_version = ${version}`);
      db.prepare('INSERT OR REPLACE INTO schema_migration(version, name, applied_at) VALUES (?, ?, ?)').run(
        migration.version,
        migration.name,
        new Date().toISOString(),
      );
    }
    failed = null;
  });
  try {
    apply();
  } catch (error) {
    const name = (failed as Migration | null)?.name ?? 'unknown';
    throw new AppError(
      'internal',
      `Fieldwork could not upgrade the data file (step ${name}). The file has been left as it was${
        backupPath ? `, and a backup was taken first (${basename(backupPath)})` : ''
      }.`,
      { migration: name, reason: String(error), backupPath },
    );
  }
}
