/**
 * How the benchmark exports, verifies and imports bundles: through the bundles service's file
 * functions (main/services/bundles.ts), the same path the `fieldwork` CLI and the sync targets
 * use — a real file written (temp, fsync, rename) and read back as a stream. The API commands
 * wrap these same functions, adding only a base64 copy of the bytes.
 */
import { basename } from 'node:path';
import type { ServiceContext } from '../../main/services/context.js';
import { exportBundleToFile, importBundleFile } from '../../main/services/bundles.js';
import { DEFAULT_LIMITS } from '../../main/sync/bundle-format.js';
import { fileSource } from '../../main/sync/bundle-reader.js';
import { checkBundleStandalone } from '../../main/sync/bundle-check.js';

export interface ExportedBundle {
  readonly file: string;
  readonly size: number;
  readonly ops: number;
  readonly changesets: number;
}

/** The inspector's usual export: a delta (what the lead has not acknowledged), encrypted to the team. */
export async function exportBundle(ctx: ServiceContext, inspectionId: string, file: string): Promise<ExportedBundle> {
  const result = await exportBundleToFile(ctx, { inspectionId, mode: 'delta', recipients: { kind: 'team' } }, file);
  return { file, size: result.size, ops: result.ops, changesets: result.changesets };
}

/**
 * Verifies a bundle file as `bundle verify` would: decrypt with this device's key, check the
 * manifest signature, every changeset's signature and op ids, the count and the section hash.
 * Touches no store (the preview, by contrast, runs the whole merge and rolls it back).
 */
export async function verifyBundle(ctx: ServiceContext, file: string): Promise<{ changesets: number; ops: number }> {
  const checked = await checkBundleStandalone(fileSource(file), { ageIdentity: ctx.device.ageIdentity }, DEFAULT_LIMITS);
  return { changesets: checked.changesets, ops: checked.ops };
}

export async function importBundle(
  ctx: ServiceContext,
  file: string,
  inspectionId: string,
): Promise<{ status: string; newOps: number; newConflicts: number }> {
  const summary = await importBundleFile(ctx, file, {
    fileName: basename(file),
    expectInspection: inspectionId,
    confirmDeletions: true,
  });
  return { status: summary.status, newOps: summary.newOps, newConflicts: summary.newConflicts };
}
