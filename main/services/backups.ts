/**
 * Rolling local backups and the backup/recovery commands of a healthy store.
 *
 * While the store changes, a consistent snapshot is taken at least every `intervalMs` (an
 * online backup that copies pages in small steps, so typing carries on) and once more on
 * quit; snapshots live in `<dataDir>/backups/` under a bounded retention. The recovery flow
 * for a DAMAGED store is in recovery.ts; here `recovery.status` simply says all is well.
 */
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { BUNDLE_EXTENSION } from '../../shared/api/bundles.js';
import { AppError } from '../../shared/errors.js';
import {
  BACKUPS_DIR,
  DEFAULT_RETENTION,
  backupOnline,
  changeMarker,
  listBackups,
  newBackupPath,
  pruneBackups,
  snapshotSync,
  type BackupEntry,
  type BackupReason,
  type RetentionPolicy,
} from '../store/backup.js';
import type { Db } from '../store/connection.js';
import { writeFileDurably } from '../store/durable-file.js';
import { salvageChangesets, salvageSyncedRows } from '../store/integrity.js';
import type { FileAccess } from '../store/sqlite-file.js';
import type { HandlerGroup, Logger, ServiceContext } from './context.js';

export interface BackupPolicy {
  /** A backup is due once this long has passed since the last one and the store has changed. */
  readonly intervalMs: number;
  /** How often the timer looks. */
  readonly checkEveryMs: number;
  readonly retention: RetentionPolicy;
  /** Pages copied per step of the online backup; the event loop is free between steps. */
  readonly pagesPerStep: number;
}

export const DEFAULT_BACKUP_POLICY: BackupPolicy = {
  intervalMs: 60 * 60 * 1000,
  checkEveryMs: 5 * 60 * 1000,
  retention: DEFAULT_RETENTION,
  pagesPerStep: 256,
};

export interface BackupScheduler {
  readonly dir: string;
  /** Takes a backup now if the store changed since the last one (always when `force`). */
  backupNow(reason: BackupReason, force?: boolean): Promise<BackupEntry | null>;
  /** Stops the timer and, if anything changed, takes the on-quit snapshot before the store closes. */
  stop(): BackupEntry | null;
}

/** Where "Export everything readable" writes its JSON (plain text: purge rewrites or removes it). */
export const RECOVERY_DIR = 'recovery';

export function backupsDir(dataDir: string): string {
  return join(dataDir, BACKUPS_DIR);
}

function entryFor(dir: string, path: string): BackupEntry {
  const found = listBackups(dir).find((e) => e.path === path);
  if (!found) throw new AppError('io_failed', 'The backup was written but could not be found afterwards.', { path });
  return found;
}

export function startBackupScheduler(
  db: Db,
  dataDir: string,
  options: { readonly log: Logger; readonly now: () => number; readonly policy?: Partial<BackupPolicy> },
): BackupScheduler {
  const policy: BackupPolicy = { ...DEFAULT_BACKUP_POLICY, ...options.policy };
  const dir = backupsDir(dataDir);
  const newest = listBackups(dir)[0];
  let lastAt = newest ? Date.parse(newest.createdAt) : 0;
  let lastMarker = changeMarker(db);
  let running: Promise<BackupEntry | null> | null = null;
  let stopped = false;

  const backupNow = (reason: BackupReason, force = false): Promise<BackupEntry | null> => {
    if (running) return running;
    if (stopped || !db.open) return Promise.resolve(null);
    const marker = changeMarker(db);
    if (!force && marker === lastMarker) return Promise.resolve(null);
    const path = newBackupPath(dir, reason, new Date(options.now()));
    running = backupOnline(db, path, policy.pagesPerStep)
      .then(() => {
        lastMarker = marker;
        lastAt = options.now();
        pruneBackups(dir, policy.retention);
        return entryFor(dir, path);
      })
      .catch((error: unknown) => {
        if (!stopped) options.log.warn('The scheduled backup could not be written.', { reason: String(error) });
        return null;
      })
      .finally(() => {
        running = null;
      });
    return running;
  };

  const timer = setInterval(() => {
    if (options.now() - lastAt >= policy.intervalMs) void backupNow('hourly');
  }, policy.checkEveryMs);
  timer.unref();

  return {
    dir,
    backupNow,
    stop() {
      if (stopped) return null;
      stopped = true;
      clearInterval(timer);
      if (!db.open || changeMarker(db) === lastMarker) return null;
      try {
        const path = newBackupPath(dir, 'quit', new Date(options.now()));
        snapshotSync(db, path);
        pruneBackups(dir, policy.retention);
        return entryFor(dir, path);
      } catch (error) {
        options.log.warn('The backup on quit could not be written.', { reason: String(error) });
        return null;
      }
    },
  };
}

export function toBackupInfo(entry: BackupEntry) {
  return { name: entry.name, createdAt: entry.createdAt, reason: entry.reason, bytes: entry.bytes };
}

/** Bundle files waiting in the outbox: `<dataDir>/outbox/<inspection>/*.fwbundle` (and the top level). */
export function listOutboxBundles(dataDir: string): string[] {
  const root = join(dataDir, 'outbox');
  if (!existsSync(root)) return [];
  const found: string[] = [];
  for (const entry of readdirSync(root, { withFileTypes: true })) {
    const path = join(root, entry.name);
    if (entry.isFile() && entry.name.endsWith(BUNDLE_EXTENSION)) found.push(path);
    if (!entry.isDirectory()) continue;
    for (const name of readdirSync(path)) if (name.endsWith(BUNDLE_EXTENSION)) found.push(join(path, name));
  }
  return found.sort();
}

export function countOutboxBundles(dataDir: string): number {
  return listOutboxBundles(dataDir).length;
}

/**
 * Writes everything readable from a store file as JSON (the signed changesets verbatim plus
 * the readable rows) into `<dataDir>/recovery/`. A JSON dump, not a bundle: the bundle writer
 * needs a healthy store to read from.
 */
export function writeReadableExport(dataDir: string, storePath: string, at: Date, access: FileAccess = {}) {
  const salvage = salvageChangesets(storePath, access);
  const rows = salvageSyncedRows(storePath, access);
  const dir = join(dataDir, RECOVERY_DIR);
  const path = join(dir, `readable-${at.toISOString().replace(/[-:.]/g, '')}.json`);
  const document = {
    format: 'fieldwork-readable-export',
    version: 1,
    exportedAt: at.toISOString(),
    source: storePath,
    unreadableChangesetRows: salvage.unreadableRows,
    changesets: salvage.changesets.map((c) => ({
      id: c.id,
      inspection: c.inspection,
      author: c.author,
      seq: c.seq,
      prev: c.prev,
      local: c.local,
      receivedAt: c.receivedAt,
      bodyBase64: c.body.toString('base64'),
      signatureBase64: c.signature.toString('base64'),
    })),
    rows,
  };
  writeFileDurably(path, JSON.stringify(document, null, 1));
  const rowCount = Object.values(rows).reduce((n, list) => n + list.length, 0);
  return { path, format: 'json-changesets' as const, changesets: salvage.changesets.length, rows: rowCount };
}

function healthyStatus(ctx: ServiceContext) {
  return {
    state: 'ok' as const,
    problem: null,
    dataFolder: ctx.dataDir,
    backupsFolder: backupsDir(ctx.dataDir),
    backups: listBackups(backupsDir(ctx.dataDir)).map(toBackupInfo),
    recoverableChangesets: null,
    outboxBundles: countOutboxBundles(ctx.dataDir),
  };
}

/** Handlers while the store is healthy (recovery.ts answers these while it is damaged). */
export const backupHandlers: HandlerGroup<
  'backups.list' | 'backups.create' | 'recovery.status' | 'recovery.restore' | 'recovery.openReadOnly' | 'recovery.exportReadable'
> = {
  'backups.list': (ctx) => listBackups(backupsDir(ctx.dataDir)).map(toBackupInfo),
  'backups.create': async (ctx) => {
    const dir = backupsDir(ctx.dataDir);
    const path = newBackupPath(dir, 'manual', new Date(ctx.now()));
    await backupOnline(ctx.db, path, DEFAULT_BACKUP_POLICY.pagesPerStep);
    pruneBackups(dir);
    return toBackupInfo(entryFor(dir, path));
  },
  'recovery.status': (ctx) => healthyStatus(ctx),
  'recovery.restore': (ctx) => {
    throw new AppError(
      'conflict',
      `The data file is healthy, so there is nothing to recover. To go back to a backup, quit Fieldwork and run: fieldwork restore --data "${ctx.dataDir}" --from <backup file> --force`,
    );
  },
  'recovery.openReadOnly': (ctx) => healthyStatus(ctx),
  'recovery.exportReadable': (ctx) =>
    writeReadableExport(ctx.dataDir, ctx.db.name, new Date(ctx.now()), { key: ctx.device.storeKey ?? undefined }),
};
