/**
 * Opening the store: refuse a file from a newer app before touching it, then set the
 * durability pragmas and apply pending migrations, each in its own transaction.
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { existsSync } from 'node:fs';
import { AppError } from '../../shared/errors.js';
import { LATEST_SCHEMA_VERSION, MIGRATIONS, type Migration } from './migrations/index.js';

export type Db = Database.Database;

export interface OpenStoreOptions {
  /** Path of a better-sqlite3 native binding built for the running runtime (Electron). */
  readonly nativeBinding?: string;
  readonly readonly?: boolean;
  /** Extra migrations after the shipped ones; tests use this to prove a failed migration changes nothing. */
  readonly extraMigrations?: readonly Migration[];
}

function rawOpen(path: string, options: OpenStoreOptions, readonly: boolean): Db {
  const settings: Database.Options = { readonly, fileMustExist: readonly };
  if (options.nativeBinding) settings.nativeBinding = options.nativeBinding;
  return new Database(path, settings);
}

function schemaVersion(db: Db): number {
  return Number(db.pragma('user_version', { simple: true }));
}

/** Reads the schema version without writing a byte (read-only handle, no pragmas set). */
export function peekSchemaVersion(path: string, options: OpenStoreOptions = {}): number {
  const db = rawOpen(path, options, true);
  try {
    return schemaVersion(db);
  } catch (error) {
    throw new AppError('store_corrupt', 'The data file could not be read. It has not been changed.', {
      path,
      reason: String(error),
    });
  } finally {
    db.close();
  }
}

export function openStore(path: string, options: OpenStoreOptions = {}): Db {
  const migrations = [...MIGRATIONS, ...(options.extraMigrations ?? [])];
  const latest = Math.max(LATEST_SCHEMA_VERSION, ...migrations.map((m) => m.version));
  if (existsSync(path)) {
    const found = peekSchemaVersion(path, options);
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
    if (!options.readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      db.pragma('secure_delete = ON');
    }
    db.pragma('foreign_keys = ON');
    db.pragma('busy_timeout = 5000');
    if (!options.readonly) applyMigrations(db, migrations);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

function applyMigrations(db: Db, migrations: readonly Migration[]): void {
  const current = schemaVersion(db);
  for (const migration of migrations) {
    if (migration.version <= current) continue;
    const apply = db.transaction(() => {
      db.exec(migration.sql);
      db.pragma(`user_version = ${migration.version}`);
    });
    try {
      apply();
    } catch (error) {
      throw new AppError(
        'internal',
        `Fieldwork could not upgrade the data file (step ${migration.name}). The file has been left as it was.`,
        { migration: migration.name, reason: String(error) },
      );
    }
  }
}
