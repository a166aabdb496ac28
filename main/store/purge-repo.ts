/**
 * Removing every trace of an inspection from the store: current values, the op log, heads,
 * conflicts, the search index, the case list and bundle history. secure_delete is on, and the
 * caller vacuums afterwards so freed pages are not left holding the text.
 */
import { SYNCED_TABLES } from '../../shared/sync/tables.js';
import type { Db } from './connection.js';
import { oneRow } from './one-row.js';
import { ident, LOCAL_INSPECTION_TABLES } from './sql-ident.js';
import { syncFolder } from './durable-file.js';
import { quickCheck } from './integrity.js';
import { openSqliteFile, type FileAccess } from './sqlite-file.js';
import { dirname } from 'node:path';
import { rebuildSearchTerms } from './search-terms.js';
import { storeHas } from './schema-objects.js';

/** Tables owned by other parts that also key rows by inspection_id (if present in this schema). */
const OPTIONAL_INSPECTION_TABLES = LOCAL_INSPECTION_TABLES;

function hasColumn(db: Db, table: string, column: string): boolean {
  return db
    .prepare<[string], { name: string }>(`SELECT name FROM pragma_table_info(?)`)
    .all(table)
    .some((c) => c.name === column);
}

export function purgeInspectionRows(db: Db, inspectionId: string, at: string, by: string): void {
  const rowKeys = db
    .prepare<[string], { tbl: string; row_id: string }>('SELECT tbl, row_id FROM op WHERE inspection_id = ? GROUP BY tbl, row_id')
    .all(inspectionId);
  const dropHeads = db.prepare('DELETE FROM field_head WHERE tbl = ? AND row_id = ?');
  const dropSuperseded = db.prepare('DELETE FROM op_superseded WHERE tbl = ? AND row_id = ?');
  for (const key of rowKeys) {
    dropHeads.run(key.tbl, key.row_id);
    dropSuperseded.run(key.tbl, key.row_id);
  }
  db.prepare('DELETE FROM conflict WHERE inspection_id = ?').run(inspectionId);
  db.prepare('DELETE FROM op WHERE inspection_id = ?').run(inspectionId);
  db.prepare('DELETE FROM changeset WHERE inspection_id = ?').run(inspectionId);
  for (const table of Object.keys(SYNCED_TABLES))
    db.prepare(`DELETE FROM ${ident(table)} WHERE inspection_id = ?`).run(inspectionId);
  db.prepare('DELETE FROM search_doc WHERE inspection_id = ?').run(inspectionId);
  db.prepare('DELETE FROM case_list_import WHERE inspection_id = ?').run(inspectionId);
  db.prepare('DELETE FROM imported_bundle WHERE inspection_id = ?').run(inspectionId);
  for (const table of OPTIONAL_INSPECTION_TABLES) {
    if (storeHas(db, table) && hasColumn(db, table, 'inspection_id')) {
      db.prepare(`DELETE FROM ${ident(table)} WHERE inspection_id = ?`).run(inspectionId);
    }
  }
  db.prepare("DELETE FROM meta WHERE key LIKE '%' || ? || '%'").run(inspectionId);
  db.prepare(
    `INSERT INTO purge_log(inspection_id, purged_at, purged_by) VALUES (?, ?, ?)
     ON CONFLICT(inspection_id) DO UPDATE SET purged_at = excluded.purged_at, purged_by = excluded.purged_by`,
  ).run(inspectionId, at, by);
}

export function listPurges(db: Db): { inspectionId: string; purgedAt: string; purgedBy: string }[] {
  return db
    .prepare<[], { inspectionId: string; purgedAt: string; purgedBy: string }>(
      'SELECT inspection_id AS inspectionId, purged_at AS purgedAt, purged_by AS purgedBy FROM purge_log ORDER BY purged_at',
    )
    .all();
}

/**
 * Rebuilds the search indexes from live rows (drops old segments) and the vocabulary from the
 * index (so no word only the purged inspection held stays), then compacts the file.
 */
export function compactAfterPurge(db: Db): void {
  db.exec("INSERT INTO search_fts(search_fts) VALUES ('rebuild')");
  db.exec("INSERT INTO finding_fts(finding_fts) VALUES ('rebuild')");
  rebuildSearchTerms(db);
  db.exec('VACUUM');
  db.pragma('wal_checkpoint(TRUNCATE)');
}

export type StoreCopyPurge =
  /** The inspection is gone from the copy; other inspections in it are untouched. */
  | { readonly outcome: 'cleaned'; readonly otherInspections: number }
  /** Nothing but this inspection was in it: the caller removes the file. */
  | { readonly outcome: 'empty' }
  /** Damaged, or from another schema version: it cannot be edited safely. */
  | { readonly outcome: 'unusable'; readonly reason: string };

/**
 * Removes an inspection from a copy of the store (a backup, a set-aside store) in place, the
 * same way as from the live store, and compacts it so its freed pages do not keep the text.
 * A copy that fails its check or has another schema version is left untouched for the caller.
 */
export function purgeStoreCopy(
  path: string,
  access: FileAccess,
  schemaVersion: number,
  purge: { readonly inspectionId: string; readonly at: string; readonly by: string },
): StoreCopyPurge {
  let db: Db;
  try {
    db = openSqliteFile(path, access, { readonly: false, fileMustExist: true });
  } catch (error) {
    return { outcome: 'unusable', reason: String(error) };
  }
  try {
    const check = quickCheck(db);
    if (!check.ok) return { outcome: 'unusable', reason: check.problem };
    const version = Number(db.pragma('user_version', { simple: true }));
    if (version !== schemaVersion) return { outcome: 'unusable', reason: `schema ${version}, not ${schemaVersion}` };
    if (!storeHas(db, 'inspection')) return { outcome: 'unusable', reason: 'it is not a Fieldwork data file' };
    db.pragma('secure_delete = ON');
    db.pragma('foreign_keys = ON');
    db.transaction(() => purgeInspectionRows(db, purge.inspectionId, purge.at, purge.by))();
    const others = oneRow(db.prepare<[], { n: number }>('SELECT count(*) AS n FROM inspection').get()).n;
    if (others === 0) return { outcome: 'empty' };
    compactAfterPurge(db);
    return { outcome: 'cleaned', otherInspections: others };
  } catch (error) {
    return { outcome: 'unusable', reason: String(error) };
  } finally {
    db.close();
    // A rollback-journal copy commits by deleting its journal: that must hold through a power cut.
    syncFolder(dirname(path));
  }
}
