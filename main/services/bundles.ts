/**
 * Bundles as use cases: export, preview, import and history. The API carries bundles as
 * bytes (uploads and downloads); the CLI and sync targets use the file functions below.
 * A preview is kept for its import (bundle-previews.ts): importing with its token runs only
 * the write transaction, not the decryption and signature checks again.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_EXTENSION, type BundleImportResultT, type BundlePreviewT } from '../../shared/api/bundles.js';
import { AppError } from '../../shared/errors.js';
import { DEFAULT_LIMITS, rejectBundle, type BundleLimits } from '../sync/bundle-format.js';
import { bytesSource, fileSource, type BundleSource } from '../sync/bundle-reader.js';
import { fingerprint } from '../sync/device-identity.js';
import { exportBundleToFile, type ExportOptions, type ExportResult } from '../sync/export-bundle.js';
import {
  applyVerified,
  importBundle,
  openAndVerify,
  previewBundle,
  releaseVerified,
  type ImportOptions,
  type ImportSummary,
} from '../sync/import-bundle.js';
import { readBundleHistory } from './bundle-history.js';
import { forgetPreview, keepPreview, keptPreview } from './bundle-previews.js';
import type { CallContext, HandlerGroup, ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';
import { sha256Hex } from '../sync/op-id.js';

export { exportBundleToFile };
export type { ExportOptions, ExportResult, ImportOptions, ImportSummary };

/** Content-addressed and readable: which area, when, whose laptop, which bundle. */
export function bundleFileName(result: ExportResult): string {
  const area = (result.manifest.localAuthority ?? 'inspection')
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 40);
  const when = result.manifest.createdAt.slice(0, 16).replace(/[-:]/g, '').replace('T', '-');
  const who = fingerprint(result.manifest.exporter).replace(/\s+/g, '').slice(0, 8).toLowerCase();
  return `${area || 'inspection'}-${when}-${who}-${result.bundleId.slice(0, 12)}${BUNDLE_EXTENSION}`;
}

function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

function uploadSource(bytes: Buffer, limits: BundleLimits): BundleSource {
  if (bytes.length > limits.maxBundleBytes) throw rejectBundle('too-large', { size: bytes.length, limit: limits.maxBundleBytes });
  return bytesSource(bytes);
}

interface Upload {
  readonly fileName: string;
  readonly passphrase?: string | undefined;
  readonly inspectionId?: string | undefined;
}

function importOptions(
  ctx: CallContext,
  input: Upload & { confirmDeletions?: boolean | undefined; trustLead?: string | undefined },
) {
  return {
    fileName: input.fileName,
    ...(input.passphrase ? { passphrase: input.passphrase } : {}),
    ...(input.inspectionId ? { expectInspection: input.inspectionId } : {}),
    ...(input.confirmDeletions ? { confirmDeletions: true } : {}),
    ...(input.trustLead ? { trustLead: input.trustLead } : {}),
    progress: ctx.progress,
    warn: (message: string, details: Record<string, unknown>) => ctx.log.warn(message, details),
  } satisfies ImportOptions;
}

/** Verifies and dry-runs a bundle, keeping what it verified for the import; the token names it. */
async function previewAndKeep(ctx: CallContext, input: Upload & { bytes: Uint8Array }) {
  const bytes = asBuffer(input.bytes);
  const { warn: _warn, ...options } = importOptions(ctx, input);
  const verified = await openAndVerify(ctx, uploadSource(bytes, DEFAULT_LIMITS), options);
  let summary: ImportSummary;
  try {
    summary = applyVerified(ctx, verified, options, true);
  } catch (error) {
    releaseVerified(ctx, verified);
    throw error;
  }
  const previewToken = keepPreview(ctx, { verified, fileName: input.fileName, fileHash: sha256Hex(bytes), size: bytes.length });
  return { ...toPreview(summary), previewToken };
}

const PREVIEW_GONE =
  'The preview of this file is no longer kept (it is kept for ten minutes, for one import), so nothing was imported. Choose the file again to import it.';
const PREVIEW_OF_ANOTHER_FILE = 'That preview was of another file, so nothing was imported. Preview this file, then import it.';

/** An error after which the kept preview may still be imported: the lead's confirmation is awaited. */
function awaitsConfirmation(error: unknown): boolean {
  const reason = error instanceof AppError ? error.details?.reason : undefined;
  return reason === 'needs-confirmation';
}

/**
 * Imports what a kept preview verified: only the write transaction runs (what is known is
 * decided inside it). Null when the token names no kept preview and the bytes were sent: the
 * caller imports them the ordinary way.
 */
function importKept(
  ctx: CallContext,
  input: Upload & { previewToken: string; bytes?: Uint8Array | undefined },
  options: ImportOptions,
): ImportSummary | null {
  const kept = keptPreview(ctx, input.previewToken);
  if (kept === null) {
    if (input.bytes !== undefined) return null;
    throw new AppError('conflict', PREVIEW_GONE, { reason: 'preview-expired' });
  }
  if (kept.fileName !== input.fileName || (input.bytes !== undefined && sha256Hex(asBuffer(input.bytes)) !== kept.fileHash)) {
    throw new AppError('invalid_input', PREVIEW_OF_ANOTHER_FILE, { reason: 'preview-mismatch' });
  }
  try {
    const summary = applyVerified(ctx, kept.verified, options, false);
    forgetPreview(ctx, input.previewToken);
    return summary;
  } catch (error) {
    if (!awaitsConfirmation(error)) forgetPreview(ctx, input.previewToken);
    throw error;
  }
}

export function previewBundleFile(ctx: ServiceContext, path: string, options: ImportOptions): Promise<ImportSummary> {
  return previewBundle(ctx, fileSource(path), options);
}

export function importBundleFile(ctx: ServiceContext, path: string, options: ImportOptions): Promise<ImportSummary> {
  return importBundle(ctx, fileSource(path), options);
}

function toPreview(summary: ImportSummary): BundlePreviewT {
  const { status: _status, ...preview } = summary;
  return preview;
}

function toImportResult(summary: ImportSummary): BundleImportResultT {
  return {
    status: summary.status === 'already_imported' ? 'already_imported' : 'imported',
    bundleId: summary.bundleId,
    inspectionId: summary.inspection.id,
    newOps: summary.newOps,
    updatedFields: summary.updatedFields,
    newConflicts: summary.newConflicts,
    deletions: summary.deletions,
    notices: summary.notices,
    refused: summary.refused,
    held: summary.held,
    needsKeyConfirmation: summary.needsKeyConfirmation,
  };
}

export const bundleHandlers = {
  'bundles.export': async (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    if (input.recipients === 'passphrase' && !input.passphrase) {
      throw new AppError('invalid_input', 'Choose a passphrase of at least 8 characters for a USB hand-off.', {
        issues: [{ path: ['passphrase'], message: 'Choose a passphrase of at least 8 characters.' }],
      });
    }
    const folder = mkdtempSync(join(tmpdir(), 'fieldwork-export-'));
    try {
      const path = join(folder, `export${BUNDLE_EXTENSION}`);
      const result = await exportBundleToFile(
        ctx,
        {
          inspectionId: input.inspectionId,
          mode: input.mode,
          recipients:
            input.recipients === 'passphrase' ? { kind: 'passphrase', passphrase: input.passphrase as string } : { kind: 'team' },
          progress: ctx.progress,
        },
        path,
      );
      return {
        fileName: bundleFileName(result),
        bytes: readFileSync(path),
        size: result.size,
        changesets: result.changesets,
        ops: result.ops,
      };
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
  'bundles.preview': (ctx, input) => previewAndKeep(ctx, input),
  'bundles.import': async (ctx, input) => {
    const options = importOptions(ctx, input);
    const fromPreview =
      input.previewToken === undefined ? null : importKept(ctx, { ...input, previewToken: input.previewToken }, options);
    if (fromPreview !== null) return toImportResult(fromPreview);
    if (input.bytes === undefined)
      throw new AppError('invalid_input', 'Give the bundle file’s bytes or the token of its preview.');
    return toImportResult(await importBundle(ctx, uploadSource(asBuffer(input.bytes), DEFAULT_LIMITS), options));
  },
  'bundles.history': (ctx, input) => readBundleHistory(ctx, input),
} satisfies HandlerGroup<'bundles.export' | 'bundles.preview' | 'bundles.import' | 'bundles.history'>;
