/**
 * Sync use cases: the target per inspection (secret in the credential vault), test connection,
 * status, sync now, and `notifyOnline` for the shell's connectivity events. The bundle side is
 * reached only through the BundlePort built here from the bundles service.
 */
import type { z } from 'zod';
import {
  SyncErrorKind,
  syncCommands,
  type SyncRunResultT,
  type SyncStatusT,
  type SyncTargetViewT,
} from '../../shared/api/sync.js';
import { AppError } from '../../shared/errors.js';
import * as repo from '../store/sync-repo.js';
import { credentialRef, credentialVaultFor, type CredentialVault } from '../sync/sync-credentials.js';
import { retryPull } from '../sync/sync-pull.js';
import { myRole, runSync, type BundlePort, type SyncEnv, type SyncReason } from '../sync/sync-engine.js';
import { classifyFailure } from '../sync/sync-errors.js';
import { openSyncTarget, type TargetSettings } from '../sync/sync-open-target.js';
import { checkTargetSettings, testTargetConnection } from '../sync/sync-settings.js';
import { memberName } from '../store/bundles-repo.js';
import { DEFAULT_LIMITS } from '../sync/bundle-format.js';
import { fileSource, openBundle } from '../sync/bundle-reader.js';
import { fingerprint } from '../sync/device-identity.js';
import { exportBundleToFile, importBundleFile } from './bundles.js';
import { inTransaction, type CallContext, type HandlerGroup, type ServiceContext } from './context.js';
import { sealBeforeWrite } from './drafts.js';
import { requireInspection } from './inspections.js';
import { queueWrite } from './write-queue.js';

type SyncCommand = keyof typeof syncCommands;

/** Network state as last told by the shell or the page; unknown (null) until told. */
const networkOnline = new Map<string, boolean>();

function vaultOf(ctx: ServiceContext): CredentialVault {
  return credentialVaultFor({ dataDir: ctx.dataDir, signingKey: ctx.device.signingKey, warn: (m) => ctx.log.warn(m) });
}

function view(ctx: ServiceContext, target: repo.SyncTargetRecord): SyncTargetViewT {
  const vault = vaultOf(ctx);
  return {
    inspectionId: target.inspectionId,
    kind: target.kind,
    location: target.location,
    auth: target.auth,
    username: target.username,
    hasSecret: target.auth !== 'none' && vault.get(credentialRef(target.inspectionId)) !== null,
    pull: target.pull,
    credentialStorage: vault.description,
  };
}

function settingsFrom(input: {
  kind: 'folder' | 'webdav';
  location: string;
  auth: 'none' | 'password' | 'token';
  username?: string | undefined;
}): TargetSettings {
  return checkTargetSettings({
    kind: input.kind,
    location: input.location,
    auth: input.auth,
    username: input.username ? input.username : null,
  });
}

function envFor(ctx: CallContext | ServiceContext, bundles: BundlePort): SyncEnv {
  return {
    db: ctx.db,
    dataDir: ctx.dataDir,
    author: ctx.device.author,
    now: ctx.now,
    bundles,
    progress: 'progress' in ctx ? ctx.progress : () => undefined,
    warn: (m, d) => ctx.log.warn(m, d),
  };
}

/**
 * The bundle side of sync, through the bundles service: an export encrypted for the team (the
 * lead's export relays everyone's changesets: that is the published bundle), and the same
 * import the Bundles screen uses. A refusal becomes a recorded outcome, not a failed sync.
 */
export function bundlePortFor(ctx: CallContext | ServiceContext): BundlePort {
  return {
    async exportBundle({ inspectionId, path }) {
      try {
        const result = await exportBundleToFile(ctx, { inspectionId, mode: 'delta', recipients: { kind: 'team' } }, path);
        return result.changesets > 0;
      } catch (error) {
        // "Nothing to export" (no changesets at all) is not a failure of sync.
        if (error instanceof AppError && error.code === 'not_found') return false;
        throw error;
      }
    },
    async importBundle({ inspectionId, path, fileName, confirmDeletions }) {
      // A pull is a write like any other: open note drafts are sealed before it (drafts.ts).
      sealBeforeWrite(ctx, 'sync.pull', {});
      try {
        const result = await importBundleFile(ctx, path, {
          fileName,
          expectInspection: inspectionId,
          ...(confirmDeletions ? { confirmDeletions: true } : {}),
        });
        return { status: result.status === 'already_imported' ? 'already_imported' : 'imported', newOps: result.newOps };
      } catch (error) {
        if (!(error instanceof AppError) || error.code === 'internal' || error.code === 'disk_full') throw error;
        const reason = error.details?.reason;
        const needsConfirmation = reason === 'needs-confirmation';
        return {
          status: 'rejected',
          newOps: 0,
          retryLater: reason === 'chain-gap' || reason === 'busy' || reason === 'store-changed',
          needsConfirmation,
          message: error.message,
          ...(needsConfirmation ? { sender: await senderOf(ctx, path) } : {}),
        };
      }
    },
  };
}

/** Who signed a bundle, by the name the team knows (for a held bundle's prompt); null if it cannot be read. */
async function senderOf(ctx: CallContext | ServiceContext, path: string): Promise<string | null> {
  try {
    const { manifest } = await openBundle(fileSource(path), { ageIdentity: ctx.device.ageIdentity }, DEFAULT_LIMITS);
    return memberName(ctx.db, manifest.inspection, manifest.exporter) ?? manifest.exporterName ?? fingerprint(manifest.exporter);
  } catch {
    return null;
  }
}

const NOT_CONFIGURED: SyncRunResultT = {
  outcome: 'not_configured',
  pushed: 0,
  alreadyThere: 0,
  pulled: 0,
  newOps: 0,
  failedPulls: 0,
  exported: false,
  superseded: 0,
  error: {
    kind: 'not_configured',
    message: 'No sync location is set for this inspection yet. Choose a shared folder or a WebDAV address first.',
  },
};

/** Syncs one inspection now (or when due, if not forced). The desktop shell may call this directly. */
export async function syncNow(
  ctx: CallContext | ServiceContext,
  inspectionId: string,
  options: { force?: boolean; reason?: SyncReason; direction?: 'both' | 'push' | 'pull'; bundles?: BundlePort } = {},
): Promise<SyncRunResultT> {
  const target = repo.getSyncTarget(ctx.db, inspectionId);
  if (!target) return NOT_CONFIGURED;
  const env = envFor(ctx, options.bundles ?? bundlePortFor(ctx));
  let live;
  try {
    live = openSyncTarget(target, vaultOf(ctx).get(credentialRef(inspectionId)));
  } catch (error) {
    const failure = classifyFailure(error, target.location);
    return { ...NOT_CONFIGURED, outcome: 'failed', error: { kind: failure.kind, message: failure.message } };
  }
  const report = await runSync(env, live, inspectionId, {
    force: options.force ?? true,
    reason: options.reason ?? 'manual',
    direction: options.direction ?? 'both',
    pull: target.pull,
  });
  // A run is the freshest evidence about the network: it answered, or it did not.
  if (report.outcome === 'synced') networkOnline.set(ctx.dataDir, true);
  if (report.error?.kind === 'unreachable') networkOnline.delete(ctx.dataDir);
  return report;
}

/** The shell's (or page's) connectivity event: offline marks every target so; online syncs what is due. */
export async function notifyOnline(
  ctx: CallContext | ServiceContext,
  online: boolean,
  reason: 'online' | 'timer' = 'online',
  bundles?: BundlePort,
): Promise<{ ran: number; synced: number; failed: number }> {
  // A sync pull started by the connectivity watch or a timer is a write like any other.
  return queueWrite(ctx.dataDir, () => syncWhenOnline(ctx, online, reason, bundles));
}

async function syncWhenOnline(
  ctx: CallContext | ServiceContext,
  online: boolean,
  reason: 'online' | 'timer',
  bundles?: BundlePort,
): Promise<{ ran: number; synced: number; failed: number }> {
  const wasOnline = networkOnline.get(ctx.dataDir);
  networkOnline.set(ctx.dataDir, online);
  const targets = repo.listSyncTargets(ctx.db);
  const at = new Date(ctx.now()).toISOString();
  if (!online) {
    inTransaction(ctx, () => targets.forEach((t) => repo.recordReachability(ctx.db, t.inspectionId, false, at)));
    return { ran: 0, synced: 0, failed: 0 };
  }
  let ran = 0;
  let synced = 0;
  let failed = 0;
  for (const target of targets) {
    // Coming back online is the moment to try, whatever the backoff said while we were away.
    if (reason === 'online' && wasOnline !== true) inTransaction(ctx, () => repo.clearBackoffWait(ctx.db, target.inspectionId));
    const report = await syncNow(ctx, target.inspectionId, {
      force: false,
      reason: wasOnline === true ? reason : 'online',
      ...(bundles ? { bundles } : {}),
    });
    if (report.outcome === 'waiting') continue;
    ran += 1;
    if (report.outcome === 'synced') synced += 1;
    else failed += 1;
  }
  return { ran, synced, failed };
}

export function syncStatus(ctx: ServiceContext, inspectionId: string): SyncStatusT {
  const target = repo.getSyncTarget(ctx.db, inspectionId);
  const state = repo.getSyncState(ctx.db, inspectionId);
  const pulled = repo.countPulled(ctx.db, inspectionId);
  const network = networkOnline.get(ctx.dataDir);
  const connection = network === false || state.reachable === false ? 'offline' : state.reachable === true ? 'online' : 'unknown';
  return {
    configured: target !== null,
    target: target ? { kind: target.kind, location: target.location } : null,
    connection: target ? connection : 'unknown',
    lastSyncedAt: state.lastSyncedAt,
    changesWaiting: repo.countOwnChangesetsAfter(ctx.db, inspectionId, ctx.device.author, state.pushedThroughSeq),
    bundlesWaiting: repo.listOutbox(ctx.db, inspectionId).length,
    lastError:
      state.lastErrorKind && state.lastErrorMessage && state.lastErrorAt
        ? { kind: parseKind(state.lastErrorKind), message: state.lastErrorMessage, at: state.lastErrorAt }
        : null,
    nextAttemptAt: state.nextAttemptAt > 0 ? new Date(state.nextAttemptAt).toISOString() : null,
    pushedBundles: repo.countPushed(ctx.db, inspectionId),
    pulledBundles: pulled.imported,
    failedPulls: pulled.failed,
    pullFailures: repo
      .listPullFailures(ctx.db, inspectionId)
      .map((f) => ({ sha256: f.sha256, message: f.error, at: f.at, held: f.held === 1, sender: f.sender })),
    role: myRole(ctx.db, inspectionId, ctx.device.author),
  };
}

function parseKind(kind: string): z.output<typeof SyncErrorKind> {
  const parsed = SyncErrorKind.safeParse(kind);
  return parsed.success ? parsed.data : 'other';
}

export const syncHandlers = {
  'sync.getTarget': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const target = repo.getSyncTarget(ctx.db, input.inspectionId);
    return target ? view(ctx, target) : null;
  },
  'sync.saveTarget': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const settings = settingsFrom(input);
    const vault = vaultOf(ctx);
    const ref = credentialRef(input.inspectionId);
    if (settings.auth === 'none') vault.remove(ref);
    else if (input.secret) vault.set(ref, input.secret);
    const previous = repo.getSyncTarget(ctx.db, input.inspectionId);
    const record: repo.SyncTargetRecord = {
      inspectionId: input.inspectionId,
      ...settings,
      pull: input.pull,
      updatedAt: new Date(ctx.now()).toISOString(),
    };
    inTransaction(ctx, () => {
      repo.saveSyncTarget(ctx.db, record);
      if (previous && (previous.kind !== record.kind || previous.location !== record.location))
        repo.resetSyncProgress(ctx.db, input.inspectionId);
    });
    return view(ctx, record);
  },
  'sync.removeTarget': (ctx, input) => {
    inTransaction(ctx, () => repo.deleteSyncTarget(ctx.db, input.inspectionId));
    vaultOf(ctx).remove(credentialRef(input.inspectionId));
    return { removed: true as const };
  },
  'sync.testConnection': async (ctx, input) => {
    const settings = settingsFrom(input);
    const secret = input.secret ? input.secret : vaultOf(ctx).get(credentialRef(input.inspectionId));
    return testTargetConnection(settings, settings.auth === 'none' ? null : secret, ctx.dataDir);
  },
  'sync.status': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    return syncStatus(ctx, input.inspectionId);
  },
  'sync.now': async (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    return syncNow(ctx, input.inspectionId, { force: true, reason: 'manual', direction: input.direction });
  },
  'sync.retryPull': async (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const target = repo.getSyncTarget(ctx.db, input.inspectionId);
    if (!target) throw new AppError('not_found', NOT_CONFIGURED.error?.message ?? 'No sync location is set.');
    try {
      const live = openSyncTarget(target, vaultOf(ctx).get(credentialRef(input.inspectionId)));
      const env = envFor(ctx, bundlePortFor(ctx));
      const outcome = await retryPull(env, live, input.inspectionId, input.sha256, input.confirmDeletions);
      return {
        status: outcome.status,
        newOps: outcome.newOps,
        message: outcome.status === 'rejected' ? (outcome.message ?? 'This bundle could not be imported.') : 'Merged.',
        needsConfirmation: outcome.needsConfirmation === true,
      };
    } catch (error) {
      const failure = classifyFailure(error, target.location);
      return { status: 'rejected' as const, newOps: 0, message: failure.message, needsConfirmation: false };
    }
  },
  'sync.notifyOnline': (ctx, input) => notifyOnline(ctx, input.online, input.reason),
} satisfies HandlerGroup<SyncCommand>;
