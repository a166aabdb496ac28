/**
 * SQL for open drafts (migration 0150): field values an autosave kept locally, not yet sealed
 * into a signed changeset. The sealing itself lives in main/sync/local-drafts.ts.
 */
import type { SyncedTableName } from '../../shared/sync/tables.js';
import type { Db, ReadableDb } from './connection.js';
import { cached } from './statement-cache.js';
import { storeHas } from './schema-objects.js';

export interface DraftRow {
  readonly tbl: SyncedTableName;
  readonly row_id: string;
  readonly field: string;
  readonly inspection_id: string;
  /** Canonical JSON of the value. */
  readonly value: string;
  /** JSON array of the field's head op ids when the draft began, sorted. */
  readonly deps: string;
  /** The latest autosave's timestamp: the sealed op's. */
  readonly hlc: string;
  readonly saved_at: string;
}

/**
 * Keeps one field's draft: the first autosave records the field's heads as the draft's deps;
 * later ones replace only the value. One statement, no signature, no count.
 */
export function upsertDraft(
  db: Db,
  key: { table: SyncedTableName; row: string; field: string },
  inspectionId: string,
  valueJson: string,
  hlc: string,
  savedAt: string,
): void {
  cached(
    db,
    `INSERT INTO draft_edit(tbl, row_id, field, inspection_id, value, hlc, deps, saved_at)
     VALUES (@tbl, @row, @field, @inspection, @value, @hlc,
       (SELECT json_group_array(op_id) FROM
         (SELECT op_id FROM field_head WHERE tbl = @tbl AND row_id = @row AND field = @field ORDER BY op_id)),
       @at)
     ON CONFLICT(tbl, row_id, field) DO UPDATE SET value = excluded.value, hlc = excluded.hlc, saved_at = excluded.saved_at`,
  ).run({ tbl: key.table, row: key.row, field: key.field, inspection: inspectionId, value: valueJson, hlc, at: savedAt });
}

/** Whether a row has an open draft (its first autosave is judged by the authority model, later ones are not). */
export function rowHasDraft(db: ReadableDb, table: SyncedTableName, row: string): boolean {
  return cached(db, 'SELECT 1 FROM draft_edit WHERE tbl = ? AND row_id = ? LIMIT 1').get(table, row) !== undefined;
}

export function hasAnyDraft(db: ReadableDb): boolean {
  return cached(db, 'SELECT 1 FROM draft_edit LIMIT 1').get() !== undefined;
}

const DRAFT_COLUMNS = 'tbl, row_id, field, inspection_id, value, deps, hlc, saved_at';

/** Which drafts to seal: one row's, one inspection's, all but one row's, or every one. */
export type DraftScope =
  | { readonly kind: 'all' }
  | { readonly kind: 'row'; readonly table: SyncedTableName; readonly row: string }
  | { readonly kind: 'inspection'; readonly inspectionId: string }
  | { readonly kind: 'allBut'; readonly table: SyncedTableName; readonly row: string };

function scopeSql(scope: DraftScope): { where: string; params: string[] } {
  switch (scope.kind) {
    case 'all':
      return { where: '', params: [] };
    case 'row':
      return { where: 'WHERE tbl = ? AND row_id = ?', params: [scope.table, scope.row] };
    case 'inspection':
      return { where: 'WHERE inspection_id = ?', params: [scope.inspectionId] };
    case 'allBut':
      return { where: 'WHERE NOT (tbl = ? AND row_id = ?)', params: [scope.table, scope.row] };
  }
}

export function listDrafts(db: ReadableDb, scope: DraftScope): DraftRow[] {
  const { where: whereSql, params } = scopeSql(scope);
  return cached<string[], DraftRow>(
    db,
    `SELECT ${DRAFT_COLUMNS} FROM draft_edit ${whereSql} ORDER BY inspection_id, tbl, row_id, field`,
  ).all(...params);
}

export function deleteDraft(db: Db, draft: Pick<DraftRow, 'tbl' | 'row_id' | 'field'>): void {
  cached(db, 'DELETE FROM draft_edit WHERE tbl = ? AND row_id = ? AND field = ?').run(draft.tbl, draft.row_id, draft.field);
}

/** Every draft of a (possibly damaged) store that can still be read: salvage carries them over. */
export function readAllDraftsTolerantly(db: ReadableDb): DraftRow[] {
  if (!storeHas(db, 'draft_edit')) return [];
  const rows: DraftRow[] = [];
  try {
    for (const row of db.prepare<[], DraftRow>(`SELECT ${DRAFT_COLUMNS} FROM draft_edit`).iterate()) {
      rows.push(row);
    }
  } catch {
    // Keep the drafts read before a damaged page.
  }
  return rows;
}

/** Puts back a draft salvaged from a damaged store (newer than the backup's, so it wins). */
export function restoreDraft(db: Db, draft: DraftRow): void {
  cached(
    db,
    `INSERT INTO draft_edit(${DRAFT_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(tbl, row_id, field) DO UPDATE SET
       value = excluded.value, deps = excluded.deps, hlc = excluded.hlc, saved_at = excluded.saved_at`,
  ).run(draft.tbl, draft.row_id, draft.field, draft.inspection_id, draft.value, draft.deps, draft.hlc, draft.saved_at);
}
