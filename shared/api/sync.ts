/**
 * Commands for syncing an inspection with a shared folder or a WebDAV server: the target and
 * its credentials, "test connection", the status line, "sync now", and the connectivity
 * notice the shell (Electron) or the page (browser mode) sends when the network changes.
 * A saved password or token never comes back across the API: only whether one is saved.
 */
import * as z from 'zod';
import { Id } from '../domain/schemas.js';
import { mutation, query } from './command.js';

export const SYNC_TARGET_KINDS = ['folder', 'webdav'] as const;
export const SYNC_AUTH_KINDS = ['none', 'password', 'token'] as const;
export const SYNC_ERROR_KINDS = [
  'auth',
  'not_found',
  'full',
  'too_large',
  'server',
  'unreachable',
  'integrity',
  'refused',
  'not_configured',
  'other',
] as const;

export const SyncTargetKind = z.enum(SYNC_TARGET_KINDS);
export const SyncAuthKind = z.enum(SYNC_AUTH_KINDS);
export const SyncErrorKind = z.enum(SYNC_ERROR_KINDS);

const TargetFields = z.object({
  kind: SyncTargetKind,
  location: z.string().trim().min(1, 'Enter a folder or a web address.').max(2000),
  auth: SyncAuthKind.default('none'),
  username: z.string().trim().max(200).optional(),
  /** A new password or token; left out to keep the saved one. */
  secret: z.string().max(4000).optional(),
});

export const SyncTargetView = z.object({
  inspectionId: z.string(),
  kind: SyncTargetKind,
  location: z.string(),
  auth: SyncAuthKind,
  username: z.string().nullable(),
  hasSecret: z.boolean(),
  /** An inspector may also pull the lead's published bundle (the lead always pulls). */
  pull: z.boolean(),
  credentialStorage: z.string(),
});

export const SyncError = z.object({ kind: SyncErrorKind, message: z.string() });

export const SyncStatus = z.object({
  configured: z.boolean(),
  target: z.object({ kind: SyncTargetKind, location: z.string() }).nullable(),
  connection: z.enum(['online', 'offline', 'unknown']),
  lastSyncedAt: z.string().nullable(),
  /** This laptop's changes not yet confirmed on the target. */
  changesWaiting: z.number().int(),
  /** Bundles in the outbox, exported and waiting to be sent. */
  bundlesWaiting: z.number().int(),
  lastError: SyncError.extend({ at: z.string() }).nullable(),
  nextAttemptAt: z.string().nullable(),
  pushedBundles: z.number().int(),
  pulledBundles: z.number().int(),
  failedPulls: z.number().int(),
  /** Bundles on the target that could not be merged, newest first, with why. */
  pullFailures: z.array(
    z.object({
      sha256: z.string(),
      message: z.string(),
      at: z.string(),
      /** Held for the lead's decision (it deletes many records), not refused. */
      held: z.boolean(),
      /** Who sent it, when known. */
      sender: z.string().nullable(),
    }),
  ),
  role: z.enum(['lead', 'inspector']).nullable(),
});

export const SyncRunResult = z.object({
  outcome: z.enum(['synced', 'failed', 'waiting', 'not_configured']),
  pushed: z.number().int(),
  alreadyThere: z.number().int(),
  pulled: z.number().int(),
  newOps: z.number().int(),
  failedPulls: z.number().int(),
  /** A bundle was exported into the outbox in this run (whether or not it could be sent). */
  exported: z.boolean(),
  /** Older unsent bundles this run's export replaced (it holds everything they held). */
  superseded: z.number().int().default(0),
  error: SyncError.nullable(),
});

export const ConnectionTestResult = z.object({ ok: z.boolean(), kind: SyncErrorKind.nullable(), message: z.string() });

export type SyncStatusT = z.output<typeof SyncStatus>;
export type SyncTargetViewT = z.output<typeof SyncTargetView>;
export type SyncRunResultT = z.output<typeof SyncRunResult>;

export const syncCommands = {
  'sync.getTarget': query(z.object({ inspectionId: Id }), SyncTargetView.nullable()),
  'sync.saveTarget': mutation(TargetFields.extend({ inspectionId: Id, pull: z.boolean().default(true) }), SyncTargetView),
  'sync.removeTarget': mutation(z.object({ inspectionId: Id }), z.object({ removed: z.literal(true) })),
  /** Tries the settings as typed (with the saved secret when none is typed); changes nothing. */
  'sync.testConnection': mutation(TargetFields.extend({ inspectionId: Id }), ConnectionTestResult),
  'sync.status': query(z.object({ inspectionId: Id }), SyncStatus),
  'sync.now': mutation(
    z.object({ inspectionId: Id, direction: z.enum(['both', 'push', 'pull']).default('both') }),
    SyncRunResult,
  ),
  /** Tries a bundle that could not be merged again; confirmDeletions when the lead accepts its deletions. */
  'sync.retryPull': mutation(
    z.object({ inspectionId: Id, sha256: z.string().regex(/^[0-9a-f]{64}$/), confirmDeletions: z.boolean().default(false) }),
    z.object({
      status: z.enum(['imported', 'already_imported', 'rejected']),
      newOps: z.number().int(),
      message: z.string(),
      needsConfirmation: z.boolean(),
    }),
  ),
  /** The network came or went. Online: every inspection with a target syncs if due. */
  'sync.notifyOnline': mutation(
    z.object({ online: z.boolean(), reason: z.enum(['online', 'timer']).default('online') }),
    z.object({ ran: z.number().int(), synced: z.number().int(), failed: z.number().int() }),
  ),
} as const;
