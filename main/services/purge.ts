/**
 * "Purge inspection": removes every trace of an inspection from this laptop (rows, ops,
 * search index, case list, outbox bundles and backups that contain it), vacuums, and keeps
 * only the fact that a purge happened, when and by whom.
 */
import { AppError } from '../../shared/errors.js';
import { readMeta } from '../store/meta-repo.js';
import { compactAfterPurge, listPurges, purgeInspectionRows } from '../store/purge-repo.js';
import { fingerprint } from '../sync/device-identity.js';
import { credentialRef, credentialVaultFor } from '../sync/sync-credentials.js';
import { type CallContext, type HandlerGroup } from './context.js';
import { requireInspection } from './inspections.js';
import { describePurgedFiles, purgeCopies, removeLooseOutboxBundles } from './purge-files.js';

export async function purgeInspection(ctx: CallContext, inspectionId: string, confirmation: string) {
  const inspection = requireInspection(ctx, inspectionId);
  if (confirmation.trim().toLowerCase() !== inspection.localAuthority.trim().toLowerCase()) {
    throw new AppError('invalid_input', `To purge, type the local authority’s name exactly: ${inspection.localAuthority}`);
  }
  const by = readMeta(ctx.db, 'device.displayName') ?? fingerprint(ctx.device.author);
  const at = new Date(ctx.now()).toISOString();
  // ORDER: the copies first (backups, set-aside stores, readable exports, bundles), then the
  // live store. Cut off in between, the inspection is still listed, so purging it again
  // finishes the job; the other way round, copies would be left behind with nothing to show.
  const files = purgeCopies(ctx, { inspectionId, at, by }, ctx.progress);
  ctx.db.transaction(() => purgeInspectionRows(ctx.db, inspectionId, at, by))();
  compactAfterPurge(ctx.db);
  files.push(...(await removeLooseOutboxBundles(ctx, inspectionId)));
  // The sync password for this inspection's share goes too.
  credentialVaultFor({ dataDir: ctx.dataDir, signingKey: ctx.device.signingKey, warn: (m) => ctx.log.warn(m) }).remove(
    credentialRef(inspectionId),
  );
  const filesRemoved = files.filter((f) => f.action === 'removed').length;
  ctx.log.info('Inspection purged', { inspectionId, filesRemoved, filesCleaned: files.length - filesRemoved });
  return { filesRemoved, files, summary: describePurgedFiles(files) };
}

export const purgeHandlers = {
  'inspections.purge': async (ctx, input) => ({
    purged: true as const,
    ...(await purgeInspection(ctx, input.id, input.confirmation)),
  }),
  'inspections.purgeLog': (ctx) => listPurges(ctx.db),
} satisfies HandlerGroup<'inspections.purge' | 'inspections.purgeLog'>;
