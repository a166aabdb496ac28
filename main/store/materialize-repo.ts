/**
 * Writes resolved field values into the current-value tables and the search index.
 * Table and column names come only from the SYNCED_TABLES registry, never from input.
 */
import { canonicalJson, type OpValue } from '../../shared/sync/op.js';
import { fieldKind, SYNCED_TABLES, type SyncedTableName, DELETED_FIELD } from '../../shared/sync/tables.js';
import type { Db } from './connection.js';
import { ident, idents } from './sql-ident.js';
import { recordSearchTerms, SearchTermRecorder } from './search-terms.js';
import { cached } from './statement-cache.js';

function columnValue(kind: string, value: OpValue): string | number | null {
  if (value === null) return null;
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? value : canonicalJson(value);
    case 'int':
      return typeof value === 'number' && Number.isFinite(value) ? Math.trunc(value) : null;
    case 'bool':
    case 'deleted':
      return value === true ? 1 : 0;
    case 'json':
      return canonicalJson(value);
    default:
      return null;
  }
}

function ensureRow(db: Db, table: SyncedTableName, rowId: string, inspectionId: string): void {
  cached(db, `INSERT INTO ${ident(table)}(id, inspection_id) VALUES (?, ?) ON CONFLICT(id) DO NOTHING`).run(rowId, inspectionId);
}

/** Sets one materialised field (or the deleted flag) to a resolved value. */
export function writeFieldValue(
  db: Db,
  table: SyncedTableName,
  rowId: string,
  inspectionId: string,
  field: string,
  value: OpValue,
  hlc: string,
): void {
  const kind = fieldKind(table, field);
  if (kind === null) throw new Error(`Unknown field ${table}.${field}`);
  ensureRow(db, table, rowId, inspectionId);
  const column = field === DELETED_FIELD ? 'deleted' : field;
  cached(
    db,
    `UPDATE ${ident(table)} SET ${ident(column)} = ?, updated_hlc = CASE WHEN updated_hlc < ? THEN ? ELSE updated_hlc END WHERE id = ?`,
  ).run(columnValue(kind, value), hlc, hlc, rowId);
  // Only the searchable text and the deleted flag feed the search document; other fields cannot change it.
  if (field === DELETED_FIELD || searchableFields(table).includes(field)) {
    const waiting = deferredSearchRows.get(db);
    if (waiting === undefined) {
      const text = refreshSearchDoc(db, table, rowId);
      if (text !== null) recordSearchTerms(db, text);
    } else waiting.set(`${table}\u0000${rowId}`, { table, rowId });
  }
}

/** Rows whose search document waits for the end of the current batch, per connection. */
const deferredSearchRows = new WeakMap<Db, Map<string, { table: SyncedTableName; rowId: string }>>();

/**
 * Runs `apply` with every search-document refresh it causes deferred to its end, so a row that
 * a batch writes many times (every autosave of a note in one bundle) is indexed once, from its
 * final state. Nested calls join the outer batch. If `apply` throws, nothing is refreshed (the
 * caller's transaction is rolled back with it).
 */
export function withSearchDocsDeferred<T>(db: Db, apply: () => T): T {
  if (deferredSearchRows.has(db)) return apply();
  const waiting = new Map<string, { table: SyncedTableName; rowId: string }>();
  deferredSearchRows.set(db, waiting);
  let result: T;
  try {
    result = apply();
  } finally {
    deferredSearchRows.delete(db);
  }
  const terms = new SearchTermRecorder(db);
  for (const { table, rowId } of waiting.values()) {
    const text = refreshSearchDoc(db, table, rowId);
    if (text !== null) terms.add(text);
  }
  terms.flush();
  return result;
}

const searchableFields = (table: SyncedTableName): readonly string[] =>
  (SYNCED_TABLES[table] as { searchable?: readonly string[] }).searchable ?? [];

/**
 * Keeps the search index equal to the searchable text of live rows. Returns the text when it
 * was newly indexed (its terms go into the vocabulary), null when nothing new was indexed.
 */
function refreshSearchDoc(db: Db, table: SyncedTableName, rowId: string): string | null {
  const searchable = searchableFields(table);
  if (searchable.length === 0) return null;
  const row = cached<[string], Record<string, unknown>>(
    db,
    `SELECT inspection_id, deleted, ${idents(searchable)} FROM ${ident(table)} WHERE id = ?`,
  ).get(rowId);
  // The snippet markers (private-use characters) are dropped from the indexed text, so a note
  // that contains them cannot fake a highlight in search results.
  const text = row
    ? searchable
        .map((c) => (typeof row[c] === 'string' ? (row[c] as string) : ''))
        .join('\n')
        .replace(/[\uE000\uE001]/g, '')
    : '';
  if (!row || row.deleted === 1 || text.trim() === '') {
    cached(db, 'DELETE FROM search_doc WHERE row_id = ?').run(rowId);
    return null;
  }
  const written = cached(
    db,
    `INSERT INTO search_doc(kind, row_id, inspection_id, text) VALUES (?, ?, ?, ?)
     ON CONFLICT(row_id) DO UPDATE SET text = excluded.text WHERE text <> excluded.text`,
  ).run(table, rowId, row.inspection_id as string, text);
  return written.changes > 0 ? text : null;
}

/** Removes a row and its search document: a row none of whose ops takes effect is as if it never arrived. */
export function dropRow(db: Db, table: SyncedTableName, rowId: string): void {
  cached(db, `DELETE FROM ${ident(table)} WHERE id = ?`).run(rowId);
  if (searchableFields(table).length > 0) cached(db, 'DELETE FROM search_doc WHERE row_id = ?').run(rowId);
}

export function isRowDeleted(db: Db, table: SyncedTableName, rowId: string): boolean {
  const row = cached<[string], { deleted: number }>(db, `SELECT deleted FROM ${ident(table)} WHERE id = ?`).get(rowId);
  return row?.deleted === 1;
}

/** Every synced row as plain values, ordered: the canonical dump tests compare. */
export function dumpSyncedTables(db: Db): Record<string, unknown[]> {
  const dump: Record<string, unknown[]> = {};
  for (const table of Object.keys(SYNCED_TABLES)) {
    dump[table] = db
      .prepare<[], Record<string, unknown>>(`SELECT * FROM ${ident(table)} ORDER BY id`)
      .all()
      .map(({ updated_hlc: _ignored, ...rest }) => rest);
  }
  return dump;
}
