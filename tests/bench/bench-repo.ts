/**
 * The benchmark's own SQL (benchmark code, not the app's: nothing in main/ calls it).
 *
 * The two floors, the fastest the store could possibly take the merged result:
 * - rows only: the final rows written straight into the same tables (and the search index)
 *   with one prepared statement per table inside one transaction, no op log at all;
 * - ops and rows: the same, plus what a merge must keep of the op log at the least — every
 *   received changeset's body and signature and every op with its value and deps, in two
 *   plain tables keyed by their 32-byte hashes (no other index).
 * Table names come from the SYNCED_TABLES registry. Also counts for the generator's report.
 */
import { SYNCED_TABLES } from '../../shared/sync/tables.js';
import type { Db } from '../../main/store/connection.js';

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

/** Every row, one prepared INSERT per table, in whatever transaction the caller holds. */
function insertRows(db: Db, tables: readonly TableRows[]): number {
  let count = 0;
  for (const { table, columns, rows } of tables) {
    const insert = db.prepare(
      `INSERT INTO ${checkTable(table)} (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})`,
    );
    for (const row of rows) insert.run(row);
    count += rows.length;
  }
  return count;
}

/** The floor itself: one prepared INSERT per table, every row, one transaction. */
export function bulkInsertRows(db: Db, tables: readonly TableRows[]): number {
  return db.transaction(() => insertRows(db, tables))();
}

/** What the lead received: the changesets (and their ops) that are not its own, ready to insert. */
export interface ReceivedLog {
  /** id, author, seq, prev, body, signature (hashes as 32-byte blobs). */
  readonly changesets: readonly unknown[][];
  /** id, changeset (its row in floor_changeset), tbl, row_id, field, hlc, value, deps (concatenated 32-byte hashes). */
  readonly ops: readonly unknown[][];
}

const hash = (hex: string | null): Buffer | null => (hex === null ? null : Buffer.from(hex, 'hex'));

export function readReceivedLog(db: Db, inspectionId: string): ReceivedLog {
  const changesets = db
    .prepare(
      'SELECT id, author, seq, prev, body, signature FROM changeset WHERE inspection_id = ? AND local = 0 ORDER BY author, seq',
    )
    .all(inspectionId) as { id: string; author: string; seq: number; prev: string | null; body: Buffer; signature: Buffer }[];
  const position = new Map(changesets.map((c, i) => [c.id, i + 1]));
  const ops = db
    .prepare('SELECT id, changeset_id, tbl, row_id, field, hlc, value, deps FROM op WHERE inspection_id = ?')
    .all(inspectionId) as {
    id: string;
    changeset_id: string;
    tbl: string;
    row_id: string;
    field: string;
    hlc: string;
    value: string;
    deps: string;
  }[];
  return {
    changesets: changesets.map((c) => [hash(c.id), c.author, c.seq, hash(c.prev), c.body, c.signature]),
    ops: ops
      .filter((op) => position.has(op.changeset_id))
      .map((op) => [
        hash(op.id),
        position.get(op.changeset_id),
        op.tbl,
        op.row_id,
        op.field,
        op.hlc,
        op.value,
        Buffer.concat((JSON.parse(op.deps) as string[]).map((dep) => hash(dep) as Buffer)),
      ]),
  };
}

/** The op-log half of the ops-and-rows floor's schema; made before the clock starts. */
export function createFloorLog(db: Db): void {
  db.exec(`
    CREATE TABLE floor_changeset (
      rowid INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, author TEXT NOT NULL, seq INTEGER NOT NULL,
      prev BLOB, body BLOB NOT NULL, signature BLOB NOT NULL
    ) STRICT;
    CREATE TABLE floor_op (
      rowid INTEGER PRIMARY KEY, id BLOB NOT NULL UNIQUE, changeset INTEGER NOT NULL, tbl TEXT NOT NULL,
      row_id TEXT NOT NULL, field TEXT NOT NULL, hlc TEXT NOT NULL, value TEXT NOT NULL, deps BLOB NOT NULL
    ) STRICT;`);
}

/**
 * The ops-and-rows floor: the received log and the final rows, one transaction and no savepoint
 * inside it. (It once nested the rows' transaction, a SAVEPOINT: FTS5 flushes its pending terms
 * at every statement inside a savepoint, which made this floor 2-10 times slower than the
 * writes themselves, and flattered merge ÷ floor.)
 */
export function bulkInsertLogAndRows(db: Db, log: ReceivedLog, tables: readonly TableRows[]): number {
  return db.transaction(() => {
    const changeset = db.prepare(
      'INSERT INTO floor_changeset (id, author, seq, prev, body, signature) VALUES (?, ?, ?, ?, ?, ?)',
    );
    for (const row of log.changesets) changeset.run(row);
    const op = db.prepare(
      'INSERT INTO floor_op (id, changeset, tbl, row_id, field, hlc, value, deps) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    for (const row of log.ops) op.run(row);
    return log.changesets.length + log.ops.length + insertRows(db, tables);
  })();
}

/** How many evidence notes the search index holds for an inspection (the search scale). */
export function countSearchNotes(db: Db, inspectionId: string): number {
  const row = db
    .prepare("SELECT count(*) AS n FROM search_doc WHERE inspection_id = ? AND kind = 'evidence_note'")
    .get(inspectionId) as { n: number };
  return row.n;
}

/** What one author wrote to the op log: ops and changesets, and those touching evidence notes. */
export interface OwnWork {
  readonly ops: number;
  readonly changesets: number;
  readonly noteOps: number;
  /** Distinct (changeset, note) pairs: how many signed changesets each note's writes were spread over. */
  readonly noteChangesets: number;
}

export function countOwnWork(db: Db, inspectionId: string, author: string): OwnWork {
  const all = db
    .prepare('SELECT count(*) AS ops, count(DISTINCT changeset_id) AS changesets FROM op WHERE inspection_id = ? AND author = ?')
    .get(inspectionId, author) as { ops: number; changesets: number };
  const notes = db
    .prepare(
      `SELECT count(*) AS ops, (SELECT count(*) FROM (SELECT DISTINCT changeset_id, row_id FROM op
         WHERE inspection_id = ? AND author = ? AND tbl = 'evidence_note')) AS changesets
       FROM op WHERE inspection_id = ? AND author = ? AND tbl = 'evidence_note'`,
    )
    .get(inspectionId, author, inspectionId, author) as { ops: number; changesets: number };
  return { ops: all.ops, changesets: all.changesets, noteOps: notes.ops, noteChangesets: notes.changesets };
}
