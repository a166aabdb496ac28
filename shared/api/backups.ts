/**
 * Commands for local backups and recovery of a damaged store. While the store is damaged
 * only the `recovery.*` commands and `backups.list` answer; everything else reports
 * `store_corrupt`. Backups are named by file name only: no path ever comes from the UI.
 */
import * as z from 'zod';
import { mutation, query } from './command.js';

export const BackupInfo = z.object({
  name: z.string(),
  createdAt: z.string(),
  reason: z.enum(['hourly', 'quit', 'manual', 'pre-migration', 'cli']),
  bytes: z.number().int(),
});

/** A backup file name as listed by `backups.list` (never a path). */
export const BackupName = z.string().regex(/^fieldwork-\d{8}T\d{9}Z(?:-\d+)?-[a-z-]+\.db$/, 'Choose one of the listed backups.');

export const RecoveryState = z.enum(['ok', 'damaged', 'readOnly']);

export const RecoveryStatus = z.object({
  state: RecoveryState,
  /** What is wrong with the store, in a sentence (null when it is healthy). */
  problem: z.string().nullable(),
  dataFolder: z.string(),
  backupsFolder: z.string(),
  backups: z.array(BackupInfo),
  /** Signed changesets still readable in the damaged store (null when healthy or unreadable). */
  recoverableChangesets: z.number().int().nullable(),
  /** Bundles waiting in the outbox folder. */
  outboxBundles: z.number().int(),
});

export const RestoreResult = z.object({
  /** The backup used, or null when no good backup existed and the store was rebuilt from the op log. */
  restoredFrom: BackupInfo.nullable(),
  /** Backups that failed their integrity check and were passed over. */
  skippedBackups: z.array(z.string()),
  /** Changesets from the damaged store's op log applied on top of the backup. */
  reappliedChangesets: z.number().int(),
  /** Readable changesets the backup already had. */
  alreadyPresent: z.number().int(),
  /** Changesets refused (bad signature, unreadable body, broken chain slot). */
  rejectedChangesets: z.number().int(),
  outboxBundlesFound: z.number().int(),
  outboxBundlesApplied: z.number().int(),
  /** Where the damaged file was kept (it is never deleted). */
  setAsidePath: z.string().nullable(),
});

export const ReadableExport = z.object({
  /** File written inside the data folder's `recovery/` folder. */
  path: z.string(),
  format: z.literal('json-changesets'),
  changesets: z.number().int(),
  rows: z.number().int(),
});

export const backupCommands = {
  'backups.list': query(z.object({}), z.array(BackupInfo)),
  'backups.create': mutation(z.object({}), BackupInfo),
  'recovery.status': query(z.object({}), RecoveryStatus),
  'recovery.restore': mutation(z.object({ backupName: BackupName.optional() }), RestoreResult),
  'recovery.openReadOnly': mutation(z.object({}), RecoveryStatus),
  'recovery.exportReadable': mutation(z.object({}), ReadableExport),
} as const;

/** Commands a damaged store can still answer (the recovery screen uses only these). */
export const RECOVERY_COMMANDS: readonly string[] = Object.keys(backupCommands);
