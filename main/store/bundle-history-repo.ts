/**
 * The import history of an inspection, a page at a time (the bundles screen and
 * `bundles.history`). The rows are written by the importer (recordImportedBundle in
 * bundles-repo.ts); this file only reads them.
 */
import type { ReadableDb } from './connection.js';
import type { ImportedBundleRecord } from './bundles-repo.js';
import { oneRow } from './one-row.js';
import { cached } from './statement-cache.js';

interface ImportedBundleRow {
  id: string;
  inspection_id: string;
  file_name: string;
  exporter: string;
  imported_at: string;
  new_ops: number;
  summary: string;
}

/**
 * One page of the import history: up to `limit` bundles after `after` (from the newest when
 * null), newest first by imported_at then by id, read by keyset through
 * imported_bundle_by_inspection (a range seek, no offset); `total` counts them all.
 */
export function listImportedBundles(
  db: ReadableDb,
  inspectionId: string,
  after: { readonly importedAt: string; readonly id: string } | null,
  limit: number,
): { bundles: ImportedBundleRecord[]; total: number } {
  const rows =
    after === null
      ? cached<[string, number], ImportedBundleRow>(
          db,
          `SELECT id, inspection_id, file_name, exporter, imported_at, new_ops, summary FROM imported_bundle
             WHERE inspection_id = ? ORDER BY imported_at DESC, id LIMIT ?`,
        ).all(inspectionId, limit)
      : cached<[string, string, string, string, number], ImportedBundleRow>(
          db,
          `SELECT id, inspection_id, file_name, exporter, imported_at, new_ops, summary FROM imported_bundle
             WHERE inspection_id = ? AND imported_at <= ? AND (imported_at < ? OR id > ?)
             ORDER BY imported_at DESC, id LIMIT ?`,
        ).all(inspectionId, after.importedAt, after.importedAt, after.id, limit);
  const total = oneRow(
    cached<[string], { n: number }>(db, 'SELECT count(*) AS n FROM imported_bundle WHERE inspection_id = ?').get(inspectionId),
  ).n;
  const bundles = rows.map((r) => {
    const summary = JSON.parse(r.summary) as Partial<ImportedBundleRecord['summary']>;
    return {
      id: r.id,
      inspectionId: r.inspection_id,
      fileName: r.file_name,
      exporter: r.exporter,
      importedAt: r.imported_at,
      newOps: r.new_ops,
      summary: {
        updatedFields: summary.updatedFields ?? 0,
        newConflicts: summary.newConflicts ?? 0,
        deletions: summary.deletions ?? 0,
        exporterName: summary.exporterName ?? null,
      },
    };
  });
  return { bundles, total };
}
