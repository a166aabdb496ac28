/**
 * "Purge inspection": removes every trace of an inspection from this laptop (rows, ops,
 * search index, case list, outbox bundles and backups that contain it), vacuums, and keeps
 * only the fact that a purge happened, when and by whom.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { readMeta } from '../store/meta-repo.js';
import { compactAfterPurge, listPurges, purgeInspectionRows } from '../store/purge-repo.js';
import { fingerprint } from '../sync/device-identity.js';
import { credentialRef, credentialVaultFor } from '../sync/sync-credentials.js';
import { type HandlerGroup, type ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';

/** Folders in the data folder whose files may hold an inspection's content. */
const CONTENT_FOLDERS = ['outbox', 'exports', 'inbox'];
/** Backups hold every inspection; after a purge they are removed and a fresh one is taken by the backup service. */
const BACKUP_FOLDER = 'backups';

function removeFilesMentioning(dir: string, inspectionId: string): number {
  if (!existsSync(dir)) return 0;
  let removed = 0;
  for (const name of readdirSync(dir)) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      if (name.includes(inspectionId)) {
        rmSync(path, { recursive: true, force: true });
        removed += 1;
      } else removed += removeFilesMentioning(path, inspectionId);
    } else if (name.includes(inspectionId)) {
      rmSync(path, { force: true });
      removed += 1;
    }
  }
  return removed;
}

function removeAll(dir: string): number {
  if (!existsSync(dir)) return 0;
  const count = readdirSync(dir).length;
  rmSync(dir, { recursive: true, force: true });
  return count;
}

export function purgeInspection(ctx: ServiceContext, inspectionId: string, confirmation: string): { filesRemoved: number } {
  const inspection = requireInspection(ctx, inspectionId);
  if (confirmation.trim().toLowerCase() !== inspection.localAuthority.trim().toLowerCase()) {
    throw new AppError('invalid_input', `To purge, type the local authority’s name exactly: ${inspection.localAuthority}`);
  }
  const by = readMeta(ctx.db, 'device.displayName') ?? fingerprint(ctx.device.author);
  ctx.db.transaction(() => purgeInspectionRows(ctx.db, inspectionId, new Date(ctx.now()).toISOString(), by))();
  compactAfterPurge(ctx.db);
  let filesRemoved = 0;
  for (const folder of CONTENT_FOLDERS) filesRemoved += removeFilesMentioning(join(ctx.dataDir, folder), inspectionId);
  filesRemoved += removeAll(join(ctx.dataDir, BACKUP_FOLDER));
  // The sync password for this inspection's share goes too.
  credentialVaultFor({ dataDir: ctx.dataDir, signingKey: ctx.device.signingKey, warn: (m) => ctx.log.warn(m) }).remove(
    credentialRef(inspectionId),
  );
  ctx.log.info('Inspection purged', { inspectionId, filesRemoved });
  return { filesRemoved };
}

export const purgeHandlers = {
  'inspections.purge': (ctx, input) => ({ purged: true as const, ...purgeInspection(ctx, input.id, input.confirmation) }),
  'inspections.purgeLog': (ctx) => listPurges(ctx.db),
} satisfies HandlerGroup<'inspections.purge' | 'inspections.purgeLog'>;
