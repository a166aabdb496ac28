/**
 * SQL for the op log: ops, changesets, per-field heads and superseded sets, conflicts.
 * The merge algorithm that drives these lives in main/sync/apply-ops.ts.
 */
import type { Op, OpValue } from '../../shared/sync/op.js';
import type { SyncedTableName } from '../../shared/sync/tables.js';
import type { Db } from './connection.js';
import { cached } from './statement-cache.js';

export interface FieldKey {
  readonly table: SyncedTableName;
  readonly row: string;
  readonly field: string;
}

/** An `op` row as SQLite returns it (the changeset row mapper is shared with authority-repo.ts). */
export interface OpRow {
  id: string;
  inspection_id: string;
  hlc: string;
  author: string;
  tbl: string;
  row_id: string;
  field: string;
  value: string;
  deps: string;
}

export function toOp(row: OpRow): Op {
  return {
    id: row.id,
    inspection: row.inspection_id,
    hlc: row.hlc,
    author: row.author,
    table: row.tbl as SyncedTableName,
    row: row.row_id,
    field: row.field,
    value: JSON.parse(row.value) as OpValue,
    deps: JSON.parse(row.deps) as string[],
  };
}

const OP_COLUMNS = 'id, inspection_id, hlc, author, tbl, row_id, field, value, deps';

/** Inserts the op unless it is already known; returns whether it was new. */
export function insertOp(db: Db, op: Op, valueJson: string, changesetId: string): boolean {
  const result = cached(
    db,
    `INSERT INTO op (${OP_COLUMNS}, changeset_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
  ).run(op.id, op.inspection, op.hlc, op.author, op.table, op.row, op.field, valueJson, JSON.stringify(op.deps), changesetId);
  return result.changes === 1;
}

export function markSuperseded(db: Db, key: FieldKey, opId: string): void {
  cached(db, 'INSERT INTO op_superseded(tbl, row_id, field, op_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
    key.table,
    key.row,
    key.field,
    opId,
  );
  cached(db, 'DELETE FROM field_head WHERE tbl = ? AND row_id = ? AND field = ? AND op_id = ?').run(
    key.table,
    key.row,
    key.field,
    opId,
  );
}

export function isSuperseded(db: Db, key: FieldKey, opId: string): boolean {
  return (
    cached(db, 'SELECT 1 FROM op_superseded WHERE tbl = ? AND row_id = ? AND field = ? AND op_id = ?').get(
      key.table,
      key.row,
      key.field,
      opId,
    ) !== undefined
  );
}

export function addHead(db: Db, key: FieldKey, opId: string): void {
  cached(db, 'INSERT INTO field_head(tbl, row_id, field, op_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
    key.table,
    key.row,
    key.field,
    opId,
  );
}

/** Ops linked per statement: one JSON array parameter each, so memory holds one chunk's ids. */
const LINK_CHUNK = 2000;

/**
 * Lets ops already in the log take part in heads, set-based: every dep of each op is marked
 * superseded in the op's field (and stops being a head), then each op that nothing has
 * superseded becomes a head. The same result as taking the ops one by one in any order.
 */
export function linkHeads(db: Db, opIds: readonly string[]): void {
  const depsSql = `SELECT op.tbl, op.row_id, op.field, d.value AS dep FROM json_each(?) j JOIN op ON op.id = j.value, json_each(op.deps) d`;
  const supersede = cached(
    db,
    `INSERT INTO op_superseded(tbl, row_id, field, op_id) SELECT tbl, row_id, field, dep FROM (${depsSql}) WHERE true ON CONFLICT DO NOTHING`,
  );
  const unhead = cached(db, `DELETE FROM field_head WHERE (tbl, row_id, field, op_id) IN (${depsSql})`);
  const head = cached(
    db,
    `INSERT INTO field_head(tbl, row_id, field, op_id)
     SELECT op.tbl, op.row_id, op.field, op.id FROM json_each(?) j JOIN op ON op.id = j.value
     WHERE NOT EXISTS (SELECT 1 FROM op_superseded s
                       WHERE s.tbl = op.tbl AND s.row_id = op.row_id AND s.field = op.field AND s.op_id = op.id)
     ON CONFLICT DO NOTHING`,
  );
  for (let i = 0; i < opIds.length; i += LINK_CHUNK) {
    const chunk = JSON.stringify(opIds.slice(i, i + LINK_CHUNK));
    supersede.run(chunk);
    unhead.run(chunk);
    head.run(chunk);
  }
}

const OP_COLUMNS_OF_OP = OP_COLUMNS.split(', ')
  .map((c) => `op.${c}`)
  .join(', ');
const READ_HEADS_SQL = `SELECT ${OP_COLUMNS_OF_OP} FROM field_head JOIN op ON op.id = field_head.op_id
  WHERE field_head.tbl = ? AND field_head.row_id = ? AND field_head.field = ?`;

export function readHeads(db: Db, key: FieldKey): Op[] {
  const rows = cached<[string, string, string], OpRow>(db, READ_HEADS_SQL).all(key.table, key.row, key.field);
  return rows.map(toOp);
}

/** Head op ids of every field of a row (a delete lists them all as seen). */
export function readRowHeadIds(db: Db, table: SyncedTableName, row: string): { field: string; opId: string }[] {
  return cached<[string, string], { field: string; opId: string }>(
    db,
    'SELECT field, op_id AS opId FROM field_head WHERE tbl = ? AND row_id = ?',
  ).all(table, row);
}

export function readFieldOps(db: Db, key: FieldKey): Op[] {
  const rows = cached<[string, string, string], OpRow>(
    db,
    `SELECT ${OP_COLUMNS} FROM op WHERE tbl = ? AND row_id = ? AND field = ?`,
  ).all(key.table, key.row, key.field);
  return rows.map(toOp);
}

export function listFieldKeys(db: Db): FieldKey[] {
  const rows = cached<[], { tbl: string; row_id: string; field: string }>(
    db,
    'SELECT DISTINCT tbl, row_id, field FROM op ORDER BY tbl, row_id, field',
  ).all();
  return rows.map((r) => ({ table: r.tbl as SyncedTableName, row: r.row_id, field: r.field }));
}

export function setConflict(db: Db, key: FieldKey, inspectionId: string, present: boolean): void {
  if (present) {
    cached(db, 'INSERT INTO conflict(tbl, row_id, field, inspection_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING').run(
      key.table,
      key.row,
      key.field,
      inspectionId,
    );
  } else {
    cached(db, 'DELETE FROM conflict WHERE tbl = ? AND row_id = ? AND field = ?').run(key.table, key.row, key.field);
  }
}

export function hasConflict(db: Db, key: FieldKey): boolean {
  return (
    cached(db, 'SELECT 1 FROM conflict WHERE tbl = ? AND row_id = ? AND field = ?').get(key.table, key.row, key.field) !==
    undefined
  );
}

export function listConflictKeys(db: Db, inspectionId: string): FieldKey[] {
  const rows = cached<[string], { tbl: string; row_id: string; field: string }>(
    db,
    'SELECT tbl, row_id, field FROM conflict WHERE inspection_id = ? ORDER BY tbl, row_id, field',
  ).all(inspectionId);
  return rows.map((r) => ({ table: r.tbl as SyncedTableName, row: r.row_id, field: r.field }));
}

export interface ChangesetRecord {
  readonly id: string;
  readonly inspection: string;
  readonly author: string;
  readonly seq: number;
  readonly prev: string | null;
  readonly body: Buffer;
  readonly signature: Buffer;
  readonly local: boolean;
}

/** Returns whether the changeset was new. */
export function insertChangeset(db: Db, record: ChangesetRecord, receivedAt: string): boolean {
  const result = cached(
    db,
    `INSERT INTO changeset(id, inspection_id, author, seq, prev, body, signature, received_at, local)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  ).run(
    record.id,
    record.inspection,
    record.author,
    record.seq,
    record.prev,
    record.body,
    record.signature,
    receivedAt,
    record.local ? 1 : 0,
  );
  return result.changes === 1;
}

export function hasChangeset(db: Db, id: string): boolean {
  return cached(db, 'SELECT 1 FROM changeset WHERE id = ?').get(id) !== undefined;
}

export function lastChangeset(db: Db, inspectionId: string, author: string): { id: string; seq: number } | null {
  const row = cached<[string, string], { id: string; seq: number }>(
    db,
    'SELECT id, seq FROM changeset WHERE inspection_id = ? AND author = ? ORDER BY seq DESC LIMIT 1',
  ).get(inspectionId, author);
  return row ?? null;
}

/** A `changeset` row as SQLite returns it (the row mapper is shared with integrity.ts's salvage). */
export interface ChangesetRow {
  id: string;
  inspection_id: string;
  author: string;
  seq: number;
  prev: string | null;
  body: Buffer;
  signature: Buffer;
  local: number;
}

export function toChangeset(row: ChangesetRow): ChangesetRecord {
  return {
    id: row.id,
    inspection: row.inspection_id,
    author: row.author,
    seq: row.seq,
    prev: row.prev,
    body: row.body,
    signature: row.signature,
    local: row.local === 1,
  };
}

/** Changesets of an inspection, optionally only those after a given seq per author, in chain order. */
export function* iterateChangesets(
  db: Db,
  inspectionId: string,
  afterSeq: ReadonlyMap<string, number> = new Map(),
): Generator<ChangesetRecord> {
  const rows = db
    .prepare<[string], ChangesetRow>(
      'SELECT id, inspection_id, author, seq, prev, body, signature, local FROM changeset WHERE inspection_id = ? ORDER BY author, seq',
    )
    .iterate(inspectionId);
  for (const row of rows) {
    if (row.seq > (afterSeq.get(row.author) ?? 0)) yield toChangeset(row);
  }
}

export function authorSeqs(db: Db, inspectionId: string): Map<string, number> {
  const rows = cached<[string], { author: string; seq: number }>(
    db,
    'SELECT author, max(seq) AS seq FROM changeset WHERE inspection_id = ? GROUP BY author',
  ).all(inspectionId);
  return new Map(rows.map((r) => [r.author, r.seq]));
}
