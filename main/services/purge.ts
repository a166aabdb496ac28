/**
 * "Purge inspection": removes every trace of an inspection from this laptop (rows, ops,
 * search index, case list, outbox bundles and backups that contain it), vacuums, and keeps
 * only the fact that a purge happened, when and by whom.
 */
import { AppError } from '../../shared/errors.js';
import { listEscalations } from '../store/escalations-repo.js';
import { readMeta } from '../store/meta-repo.js';
import { compactAfterPurge, listPurges, purgeInspectionRows } from '../store/purge-repo.js';
import { fingerprint } from '../sync/device-identity.js';
import { credentialRef, credentialVaultFor } from '../sync/sync-credentials.js';
import { forgetAllPreviews } from './bundle-previews.js';
import { type CallContext, type HandlerGroup } from './context.js';
import { requireInspection } from './inspections.js';
import { describePurgedFiles, purgeCopies, removeLooseOutboxBundles } from './purge-files.js';

/**
 * An open escalation is a child at risk still being followed up: a purge removes one only when
 * the user was shown it and agreed (its id in `agreed`). Otherwise it is refused, naming them.
 */
function checkOpenEscalations(ctx: CallContext, inspectionId: string, agreed: readonly string[]): void {
  const unagreed = listEscalations(ctx.db, inspectionId, true).filter((e) => !agreed.includes(e.id));
  if (unagreed.length === 0) return;
  const listed = unagreed
    .slice(0, 5)
    .map((e) => `${e.case_ref ? `${e.case_ref}: ` : ''}${(e.concern ?? '').slice(0, 80)}`)
    .join('; ');
  const more = unagreed.length > 5 ? ` and ${unagreed.length - 5} more` : '';
  throw new AppError(
    'conflict',
    `${unagreed.length === 1 ? '1 escalation is' : `${unagreed.length} escalations are`} still open and would be removed (${listed}${more}); nothing was purged. Check they are closed or handed over, then confirm they may be removed too.`,
    { openEscalations: unagreed.map((e) => e.id) },
  );
}

export async function purgeInspection(
  ctx: CallContext,
  inspectionId: string,
  confirmation: string,
  removeOpenEscalations: readonly string[] = [],
) {
  const inspection = requireInspection(ctx, inspectionId);
  if (confirmation.trim().toLowerCase() !== inspection.localAuthority.trim().toLowerCase()) {
    throw new AppError('invalid_input', `To purge, type the local authority’s name exactly: ${inspection.localAuthority}`);
  }
  checkOpenEscalations(ctx, inspectionId, removeOpenEscalations);
  const by = readMeta(ctx.db, 'device.displayName') ?? fingerprint(ctx.device.author);
  const at = new Date(ctx.now()).toISOString();
  // ORDER: the copies first (backups, set-aside stores, readable exports, bundles), then the
  // live store. Cut off in between, the inspection is still listed, so purging it again
  // finishes the job; the other way round, copies would be left behind with nothing to show.
  const files = purgeCopies(ctx, { inspectionId, at, by }, ctx.progress);
  // Kept bundle previews hold decrypted changesets in memory: none may outlive the purge.
  forgetAllPreviews(ctx);
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
    ...(await purgeInspection(ctx, input.id, input.confirmation, input.removeOpenEscalations)),
  }),
  'inspections.purgeLog': (ctx) => listPurges(ctx.db),
} satisfies HandlerGroup<'inspections.purge' | 'inspections.purgeLog'>;
