/**
 * SQL for the benchmark's floor: the fastest the store could possibly take the merged result —
 * the final rows written straight into the same tables (and the search index) with one
 * prepared statement per table inside one transaction, no op log at all. Benchmarks only;
 * nothing in the app calls this. Table names come from the SYNCED_TABLES registry.
 */
import { SYNCED_TABLES } from '../../shared/sync/tables.js';
import type { Db } from './connection.js';

export interface TableRows {
  readonly table: string;
  readonly columns: readonly string[];
  readonly rows: readonly unknown[][];
}

/** Tables the floor fills: every synced table, then the search documents (FTS via trigger). */
export const FLOOR_TABLES: readonly string[] = [...Object.keys(SYNCED_TABLES), 'search_doc'];

function checkTable(table: string): string {
  if (!FLOOR_TABLES.includes(table)) throw new Error(`Not a floor table: ${table}`);
  return table;
}

/** The final rows of one inspection, as the merge left them (search_doc without its rowid). */
export function readFinalRows(db: Db, inspectionId: string): TableRows[] {
  return FLOOR_TABLES.map((table) => {
    const statement = db.prepare(`SELECT * FROM ${checkTable(table)} WHERE inspection_id = ?`).raw(true);
    const columns = statement.columns().map((c) => c.name);
    const rows = statement.all(inspectionId) as unknown[][];
    if (table !== 'search_doc') return { table, columns, rows };
    const keep = columns.map((c, i) => (c === 'rowid' ? -1 : i)).filter((i) => i >= 0);
    return { table, columns: keep.map((i) => columns[i] as string), rows: rows.map((r) => keep.map((i) => r[i])) };
  });
}

/** The floor itself: one prepared INSERT per table, every row, one transaction. */
export function bulkInsertRows(db: Db, tables: readonly TableRows[]): number {
  let count = 0;
  db.transaction(() => {
    for (const { table, columns, rows } of tables) {
      const insert = db.prepare(
        `INSERT INTO ${checkTable(table)} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
      );
      for (const row of rows) insert.run(row);
      count += rows.length;
    }
  })();
  return count;
}

/** How many evidence notes the search index holds for an inspection (the search scale). */
export function countSearchNotes(db: Db, inspectionId: string): number {
  const row = db
    .prepare("SELECT count(*) AS n FROM search_doc WHERE inspection_id = ? AND kind = 'evidence_note'")
    .get(inspectionId) as { n: number };
  return row.n;
}
