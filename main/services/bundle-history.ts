/**
 * The import history a page at a time: the cursor names the last bundle of the page before
 * (when it was imported, and its id), so the next page is read by keyset from the store and a
 * bundle imported between pages shifts nothing. The count comes with every page.
 */
import * as z from 'zod';
import type { BundleHistoryPage } from '../../shared/api/bundles.js';
import { listImportedBundles } from '../store/bundle-history-repo.js';
import { fingerprint } from '../sync/device-identity.js';
import type { ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';
import { decodePageCursor, encodePageCursor } from './page-cursor.js';

const HISTORY_CURSOR = 'bundles.history';
const HistoryCursorKey = z.tuple([z.string().max(64), z.string().max(200)]);

export interface BundleHistoryInput {
  readonly inspectionId: string;
  readonly cursor: string | null;
  readonly limit: number;
}

export function readBundleHistory(ctx: ServiceContext, input: BundleHistoryInput): BundleHistoryPage {
  const { inspectionId } = input;
  requireInspection(ctx, inspectionId);
  let after: { importedAt: string; id: string } | null = null;
  if (input.cursor !== null) {
    const [importedAt, id] = decodePageCursor(
      input.cursor,
      { inspectionId, list: HISTORY_CURSOR, noun: 'import history' },
      HistoryCursorKey,
    );
    after = { importedAt, id };
  }
  // One more than asked for says whether there is a page after this one.
  const { bundles: rows, total } = listImportedBundles(ctx.db, inspectionId, after, input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  return {
    bundles: page.map((b) => ({
      bundleId: b.id,
      fileName: b.fileName,
      exporter: { author: b.exporter, fingerprint: fingerprint(b.exporter), name: b.summary.exporterName },
      importedAt: b.importedAt,
      newOps: b.newOps,
      updatedFields: b.summary.updatedFields,
      newConflicts: b.summary.newConflicts,
      deletions: b.summary.deletions,
    })),
    next: rows.length > input.limit && last ? encodePageCursor(inspectionId, HISTORY_CURSOR, [last.importedAt, last.id]) : null,
    total,
  };
}
