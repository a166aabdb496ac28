/**
 * Bundles as use cases: export, preview, import and history. The API carries bundles as
 * bytes (uploads and downloads); the CLI and sync targets use the file functions below.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BUNDLE_EXTENSION, type BundleImportResultT, type BundlePreviewT } from '../../shared/api/bundles.js';
import { AppError } from '../../shared/errors.js';
import { listImportedBundles } from '../store/bundles-repo.js';
import { DEFAULT_LIMITS, rejectBundle, type BundleLimits } from '../sync/bundle-format.js';
import { bytesSource, fileSource, type BundleSource } from '../sync/bundle-reader.js';
import { fingerprint } from '../sync/device-identity.js';
import { exportBundleToFile, type ExportOptions, type ExportResult } from '../sync/export-bundle.js';
import { importBundle, previewBundle, type ImportOptions, type ImportSummary } from '../sync/import-bundle.js';
import type { HandlerGroup, ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';

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

function decodeUpload(base64: string, limits: BundleLimits): BundleSource {
  if (Math.floor((base64.length * 3) / 4) > limits.maxBundleBytes + 3) {
    throw rejectBundle('too-large', { limit: limits.maxBundleBytes });
  }
  return bytesSource(Buffer.from(base64, 'base64'));
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
        bytesBase64: readFileSync(path).toString('base64'),
        size: result.size,
        changesets: result.changesets,
        ops: result.ops,
      };
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  },
  'bundles.preview': async (ctx, input) => {
    const summary = await previewBundle(ctx, decodeUpload(input.bytesBase64, DEFAULT_LIMITS), {
      fileName: input.fileName,
      ...(input.passphrase ? { passphrase: input.passphrase } : {}),
      ...(input.inspectionId ? { expectInspection: input.inspectionId } : {}),
      progress: ctx.progress,
    });
    return toPreview(summary);
  },
  'bundles.import': async (ctx, input) => {
    const summary = await importBundle(ctx, decodeUpload(input.bytesBase64, DEFAULT_LIMITS), {
      fileName: input.fileName,
      ...(input.passphrase ? { passphrase: input.passphrase } : {}),
      ...(input.inspectionId ? { expectInspection: input.inspectionId } : {}),
      ...(input.confirmDeletions ? { confirmDeletions: true } : {}),
      ...(input.trustLead ? { trustLead: input.trustLead } : {}),
      progress: ctx.progress,
      warn: (message, details) => ctx.log.warn(message, details),
    });
    return toImportResult(summary);
  },
  'bundles.history': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    return listImportedBundles(ctx.db, input.inspectionId).map((b) => ({
      bundleId: b.id,
      fileName: b.fileName,
      exporter: { author: b.exporter, fingerprint: fingerprint(b.exporter), name: b.summary.exporterName },
      importedAt: b.importedAt,
      newOps: b.newOps,
      updatedFields: b.summary.updatedFields,
      newConflicts: b.summary.newConflicts,
      deletions: b.summary.deletions,
    }));
  },
} satisfies HandlerGroup<'bundles.export' | 'bundles.preview' | 'bundles.import' | 'bundles.history'>;
