/**
 * Backup files of the store: consistent snapshots, their names and retention, verification,
 * and a restore that never destroys the file it replaces.
 *
 * INVARIANTS
 *  - A snapshot is written under a temporary name and renamed, so a half-written backup is
 *    never listed as one.
 *  - The file a restore replaces (with its -wal and -shm, which hold committed work) is
 *    renamed into `set-aside/`, never deleted; if the restored store does not open and pass
 *    its check, the original is put back.
 *  - Nothing here deletes anything but our own older backups (retention).
 */
import { closeSync, copyFileSync, existsSync, openSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { openStore, restoringPathFor, type Db, type OpenStoreOptions } from './connection.js';
import { PRIVATE_FILE_MODE, ensureFolder, makePrivate, renameDurably, syncFile, syncFolder } from './durable-file.js';
import { checkStoreFile, openReadOnly } from './integrity.js';
import { startNewChainLine } from './meta-repo.js';
import { oneRow } from './one-row.js';
import { COMPANION_SUFFIXES, isEncryptedConnection, openSqliteFile, type FileAccess } from './sqlite-file.js';

export const BACKUPS_DIR = 'backups';
export const SET_ASIDE_DIR = 'set-aside';

export const BACKUP_REASONS = ['hourly', 'quit', 'manual', 'pre-migration', 'cli'] as const;
export type BackupReason = (typeof BACKUP_REASONS)[number];

export interface BackupEntry {
  readonly name: string;
  readonly path: string;
  readonly createdAt: string;
  readonly reason: BackupReason;
  readonly bytes: number;
}

export interface RetentionPolicy {
  /** The newest N automatic backups are kept. */
  readonly recent: number;
  /** Plus the newest backup of each of the last N days that have one. */
  readonly daily: number;
  /** Pre-migration backups kept (newest first). */
  readonly preMigration: number;
}

export const DEFAULT_RETENTION: RetentionPolicy = { recent: 24, daily: 7, preMigration: 5 };

const NAME_PATTERN = /^fieldwork-(\d{8}T\d{9}Z)(?:-(\d+))?-([a-z-]+)\.db$/;

function stamp(at: Date): string {
  return at.toISOString().replace(/[-:.]/g, '');
}

function parseStamp(text: string): string {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})(\d{3})Z$/.exec(text);
  return m ? `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}.${m[7]}Z` : text;
}

export function backupsDirFor(storePath: string): string {
  return join(dirname(storePath), BACKUPS_DIR);
}

/** A fresh name in `dir`; a counter keeps two backups in the same millisecond apart. */
export function newBackupPath(dir: string, reason: BackupReason, at: Date): string {
  ensureFolder(dir);
  for (let n = 0; ; n += 1) {
    const name = `fieldwork-${stamp(at)}${n === 0 ? '' : `-${n}`}-${reason}.db`;
    const path = join(dir, name);
    if (!existsSync(path) && !existsSync(tempPathFor(path))) return path;
  }
}

function tempPathFor(finalPath: string): string {
  return join(dirname(finalPath), `.${basename(finalPath)}.partial`);
}

function isReason(text: string): text is BackupReason {
  return (BACKUP_REASONS as readonly string[]).includes(text);
}

export function parseBackupName(name: string): { createdAt: string; reason: BackupReason } | null {
  const m = NAME_PATTERN.exec(name);
  if (!m || !m[1] || !m[3] || !isReason(m[3])) return null;
  return { createdAt: parseStamp(m[1]), reason: m[3] };
}

/** Backups in a folder, newest first. Files that are not ours are ignored. */
export function listBackups(dir: string): BackupEntry[] {
  if (!existsSync(dir)) return [];
  const entries: BackupEntry[] = [];
  for (const name of readdirSync(dir)) {
    const parsed = parseBackupName(name);
    if (!parsed) continue;
    const path = join(dir, name);
    entries.push({ name, path, ...parsed, bytes: statSync(path).size });
  }
  return entries.sort((a, b) => (a.name < b.name ? 1 : a.name > b.name ? -1 : 0));
}

/** An empty owner-only file for SQLite to write a copy into (it keeps the mode it finds). */
function privateTemp(temp: string): void {
  rmSync(temp, { force: true });
  closeSync(openSync(temp, 'w', PRIVATE_FILE_MODE));
  makePrivate(temp);
}

/** DURABILITY: the copy is fsynced before it takes its final name, and the name is fsynced after. */
function publish(temp: string, finalPath: string): void {
  syncFile(temp);
  renameDurably(temp, finalPath);
}

/**
 * Online backup through SQLite's backup API: pages are copied a few at a time with the event
 * loop free in between, so typing (writes on the same connection) carries on; SQLite folds
 * those writes into the copy, so the result is one consistent state.
 */
export async function backupOnline(db: Db, finalPath: string, pagesPerStep = 256): Promise<void> {
  // SQLite's backup API cannot copy an encrypted store; VACUUM INTO keeps its encryption.
  if (isEncryptedConnection(db)) {
    snapshotSync(db, finalPath);
    return;
  }
  const temp = tempPathFor(finalPath);
  privateTemp(temp);
  try {
    await db.backup(temp, { progress: () => pagesPerStep });
    publish(temp, finalPath);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

/** A synchronous consistent snapshot (`VACUUM INTO`): used on quit and before migrations. */
export function snapshotSync(db: Db, finalPath: string): void {
  const temp = tempPathFor(finalPath);
  privateTemp(temp);
  try {
    db.prepare('VACUUM INTO ?').run(temp);
    publish(temp, finalPath);
  } catch (error) {
    rmSync(temp, { force: true });
    throw error;
  }
}

const AUTOMATIC: readonly BackupReason[] = ['hourly', 'quit', 'manual'];

/** Which backups retention keeps; everything not returned may be removed. */
export function backupsToKeep(entries: readonly BackupEntry[], policy: RetentionPolicy): Set<string> {
  const keep = new Set<string>();
  const automatic = entries.filter((e) => AUTOMATIC.includes(e.reason));
  for (const entry of automatic.slice(0, policy.recent)) keep.add(entry.name);
  const days = new Set<string>();
  for (const entry of automatic) {
    const day = entry.createdAt.slice(0, 10);
    if (days.has(day)) continue;
    if (days.size >= policy.daily) break;
    days.add(day);
    keep.add(entry.name);
  }
  for (const entry of entries.filter((e) => e.reason === 'pre-migration').slice(0, policy.preMigration)) keep.add(entry.name);
  // Backups made by hand from the CLI are the user's own files: never pruned.
  for (const entry of entries.filter((e) => e.reason === 'cli')) keep.add(entry.name);
  return keep;
}

export function pruneBackups(dir: string, policy: RetentionPolicy = DEFAULT_RETENTION): string[] {
  const entries = listBackups(dir);
  const keep = backupsToKeep(entries, policy);
  const removed: string[] = [];
  for (const entry of entries) {
    if (keep.has(entry.name)) continue;
    rmSync(entry.path, { force: true });
    removed.push(entry.name);
  }
  return removed;
}

// Not an import's stage file (stage-file.ts): it stays with the connection that made it.
const COMPANIONS = ['', ...COMPANION_SUFFIXES] as const;

/** Moves a store and its companions; durable in both folders before it returns. */
function moveWithCompanions(from: string, to: string): void {
  let moved = false;
  for (const suffix of COMPANIONS) {
    if (!existsSync(from + suffix)) continue;
    renameSync(from + suffix, to + suffix);
    makePrivate(to + suffix);
    moved = true;
  }
  if (!moved) return;
  syncFolder(dirname(to));
  if (dirname(to) !== dirname(from)) syncFolder(dirname(from));
}

/**
 * Moves a store file and its companions into `set-aside/` next to it. Returns the new path of
 * the main file. Never deletes: this is how a damaged or replaced store is kept.
 */
export function setAside(storePath: string, label: string, at: Date): string {
  const dir = join(dirname(storePath), SET_ASIDE_DIR);
  ensureFolder(dir);
  const base = basename(storePath).replace(/\.db$/, '');
  let target = join(dir, `${base}-${stamp(at)}-${label}.db`);
  for (let n = 1; existsSync(target); n += 1) target = join(dir, `${base}-${stamp(at)}-${n}-${label}.db`);
  moveWithCompanions(storePath, target);
  return target;
}

function putBack(asidePath: string, storePath: string): void {
  moveWithCompanions(asidePath, storePath);
}

/** Refuses a backup that fails `PRAGMA integrity_check` or is not a Fieldwork store. */
export function verifyBackupFile(path: string, access: FileAccess = {}): void {
  const check = checkStoreFile(path, 'full', access);
  if (!check.ok) {
    throw new AppError('store_corrupt', `The backup ${basename(path)} failed its integrity check, so it was not used.`, {
      path,
      problem: check.problem,
    });
  }
}

/**
 * Switches a copied backup (written by VACUUM INTO in rollback-journal mode) to WAL before it
 * becomes the store. Done on the first open instead, a power cut mid-switch would leave a hot
 * journal beside the store, which the read-only check on the next start cannot roll back.
 */
function inWalMode(path: string, access: FileAccess): void {
  const db = openSqliteFile(path, access, { readonly: false, fileMustExist: true });
  try {
    db.pragma('journal_mode = WAL');
  } finally {
    db.close();
  }
  // Closing folds and deletes the WAL and the switch's journal; those deletions must hold too.
  syncFolder(dirname(path));
}

export interface RestoreOutcome {
  /** Where the file that was replaced now lives (null when there was none). */
  readonly setAsidePath: string | null;
}

/**
 * Replaces the store at `storePath` with a verified copy of `backupPath`. The current file is
 * set aside first and put back if the restored store fails to open or to pass its check.
 */
export function restoreStoreFile(
  storePath: string,
  backupPath: string,
  options: { readonly label?: string; readonly at?: Date; readonly store?: OpenStoreOptions } = {},
): RestoreOutcome {
  verifyBackupFile(backupPath, { key: options.store?.key, nativeBinding: options.store?.nativeBinding });
  const at = options.at ?? new Date();
  ensureFolder(dirname(storePath));
  const incoming = restoringPathFor(storePath);
  // A journal left beside an earlier, interrupted copy would be rolled back onto this one.
  for (const suffix of COMPANIONS) rmSync(incoming + suffix, { force: true });
  copyFileSync(backupPath, incoming);
  makePrivate(incoming);
  inWalMode(incoming, { key: options.store?.key, nativeBinding: options.store?.nativeBinding });
  syncFile(incoming);
  const setAsidePath = existsSync(storePath) ? setAside(storePath, options.label ?? 'before-restore', at) : null;
  let staleMoved = false;
  for (const suffix of COMPANION_SUFFIXES) {
    // Stale companions would be replayed onto the restored file: move them with the old store.
    if (!existsSync(storePath + suffix)) continue;
    renameSync(storePath + suffix, `${setAsidePath ?? storePath}${suffix}.stale`);
    staleMoved = true;
  }
  if (staleMoved && setAsidePath) syncFolder(dirname(setAsidePath));
  // DURABILITY: the set-aside move above is durable before the restored file takes the name,
  // so a power cut leaves the old store in place or in set-aside/, never nowhere; a cut between
  // the two leaves the verified copy under `.restoring`, which openStore finishes moving in.
  renameDurably(incoming, storePath);
  try {
    const restored = openStore(storePath, options.store ?? {});
    try {
      // The restored store may be behind changesets this laptop already sent: its next ones
      // start a new line of its chain (meta-repo.ts, CHAIN LINES). From this restore's clock,
      // never from the backup.
      startNewChainLine(restored, at.getTime());
    } finally {
      restored.close();
    }
  } catch (error) {
    setAside(storePath, 'failed-restore', at);
    if (setAsidePath) putBack(setAsidePath, storePath);
    throw error instanceof AppError
      ? error
      : new AppError('io_failed', 'The restored data file did not open, so the previous file was put back.', {
          reason: String(error),
        });
  }
  return { setAsidePath };
}

/**
 * Something that changes whenever the store does: this connection's change count plus
 * SQLite's data_version (which moves when another connection, e.g. the CLI, commits).
 */
export function changeMarker(db: Db): string {
  const total = oneRow(db.prepare<[], { n: number }>('SELECT total_changes() AS n').get()).n;
  const version = Number(db.pragma('data_version', { simple: true }));
  return `${total}:${version}`;
}

/**
 * Copies a store file to `destPath` through the online backup API on a read-only handle (so
 * a running app may keep working), then checks the copy with `PRAGMA integrity_check`.
 */
export async function backupStoreFile(storePath: string, destPath: string, access: FileAccess = {}): Promise<void> {
  const source = checkStoreFile(storePath, 'quick', access);
  if (!source.ok) {
    throw new AppError('store_corrupt', `The data file ${storePath} is damaged (${source.problem}), so it was not backed up.`, {
      path: storePath,
    });
  }
  const db = openReadOnly(storePath, access);
  try {
    await backupOnline(db, destPath);
  } finally {
    db.close();
  }
  verifyBackupFile(destPath, access);
}
