/**
 * SQL for the authority model: the root of trust, the ops that shape authority, verdicts,
 * and rebuilding a field's heads from the ops that take effect. The rules are in
 * shared/sync/authority.ts; main/sync/authority.ts drives them.
 */
import type { Op } from '../../shared/sync/op.js';
import type { Db, ReadableDb } from './connection.js';
import { oneRow } from './one-row.js';
import { toOp, type FieldKey, type OpRow } from './op-log-repo.js';
import { storeHas } from './schema-objects.js';
import { identLiteral } from './sql-ident.js';
import { cached } from './statement-cache.js';

interface StoredOpRow extends OpRow {
  changeset_id: string;
}

export interface StoredOp extends Op {
  readonly changesetId: string;
}

function toStoredOp(row: StoredOpRow): StoredOp {
  return { ...toOp(row), changesetId: row.changeset_id };
}

const COLUMNS = 'op.id, op.inspection_id, op.hlc, op.author, op.tbl, op.row_id, op.field, op.value, op.deps, op.changeset_id';
/** The ops that shape authority, per table (AUTHORITY_WHERE is all of them). */
const AUTHORITY_FIELDS: Readonly<Record<string, string>> = {
  team_member: "op.tbl = 'team_member'",
  finding: "(op.tbl = 'finding' AND op.field = 'status')",
  escalation: "(op.tbl = 'escalation' AND op.field IN ('identified_by', 'concern'))",
  finding_evidence: "(op.tbl = 'finding_evidence' AND op.field = 'finding_id')",
};
const AUTHORITY_WHERE = `(${Object.values(AUTHORITY_FIELDS).join(' OR ')})`;

export function readRoot(db: ReadableDb, inspectionId: string): string | null {
  const row = cached<[string], { root_key: string }>(db, 'SELECT root_key FROM inspection_root WHERE inspection_id = ?').get(
    inspectionId,
  );
  return row?.root_key ?? null;
}

export function writeRoot(db: Db, inspectionId: string, key: string): void {
  cached(db, 'INSERT INTO inspection_root(inspection_id, root_key) VALUES (?, ?) ON CONFLICT DO NOTHING').run(inspectionId, key);
}

/** The author of the inspection's first op on its own row: whoever created it. */
export function creatorOf(db: ReadableDb, inspectionId: string): string | null {
  const row = cached<[string, string], { author: string }>(
    db,
    `SELECT author FROM op WHERE inspection_id = ? AND tbl = 'inspection' AND row_id = ? ORDER BY hlc, id LIMIT 1`,
  ).get(inspectionId, inspectionId);
  return row?.author ?? null;
}

/** Ops that shape authority and take effect, with hlc below `beforeHlc` (all if null), in judgement order. */
export function authorityOpsBefore(db: ReadableDb, inspectionId: string, beforeHlc: string | null): StoredOp[] {
  // Driven by op_by_field, one range per authority table (as authorityOpsOfTables below): on
  // op_by_inspection it read every op of the inspection, 80 ms per import at 90,000 ops.
  const rows = cached<[string, string | null, string | null], StoredOpRow>(
    db,
    `SELECT ${COLUMNS} FROM op LEFT JOIN op_verdict v ON v.op_id = op.id
     WHERE +op.inspection_id = ? AND ${AUTHORITY_WHERE} AND (? IS NULL OR op.hlc < ?)
       AND (v.kind IS NULL OR v.kind = 'confirmed')
     ORDER BY op.hlc, op.id`,
  ).all(inspectionId, beforeHlc, beforeHlc);
  return rows.map(toStoredOp);
}

/** The epoch migration 0180 keeps: a new random value whenever what the reads below return can change. */
function authorityEpoch(db: ReadableDb): string {
  return oneRow(cached<[], { n: string }>(db, 'SELECT n FROM authority_epoch').get()).n;
}

/** The last read of `authorityOpsOfTables` per connection, with the epoch it was read at. */
const lastRead = new WeakMap<ReadableDb, { key: string; epoch: string; ops: readonly StoredOp[] }>();

/**
 * The same, limited to the tables a local command's judgement needs (see
 * main/sync/authority.ts `checkLocalOps`): a note save reads the roster, not every finding link.
 * Kept per connection while the authority epoch is unchanged (migration 0180 says why that is
 * safe across rollbacks), so a note's saves read the roster once, not once each.
 */
export function authorityOpsOfTables(db: ReadableDb, inspectionId: string, tables: readonly string[]): readonly StoredOp[] {
  const wanted = Object.keys(AUTHORITY_FIELDS).filter((t) => tables.includes(t));
  if (wanted.length === 0) return [];
  // A store older than 0180 opened read-only (schema-objects.ts) has no epoch: read every time.
  if (!storeHas(db, 'authority_epoch')) return readAuthorityOps(db, inspectionId, wanted);
  const key = `${inspectionId}\n${wanted.join(',')}`;
  const epoch = authorityEpoch(db);
  const last = lastRead.get(db);
  if (last !== undefined && last.key === key && last.epoch === epoch) return last.ops;
  const ops = Object.freeze(readAuthorityOps(db, inspectionId, wanted));
  lastRead.set(db, { key, epoch, ops });
  return ops;
}

function readAuthorityOps(db: ReadableDb, inspectionId: string, wanted: readonly string[]): StoredOp[] {
  // Driven by op_by_field (tbl, ...), one range per table: `+` keeps the planner off
  // op_by_inspection, which walked every op of the inspection on every note save.
  const whereSql = wanted.map((t) => AUTHORITY_FIELDS[t]).join(' OR ');
  const rows = cached<[string], StoredOpRow>(
    db,
    `SELECT ${COLUMNS} FROM op LEFT JOIN op_verdict v ON v.op_id = op.id
     WHERE +op.inspection_id = ? AND (${whereSql})
       AND (v.kind IS NULL OR v.kind = 'confirmed')
     ORDER BY op.hlc, op.id`,
  ).all(inspectionId);
  return rows.map(toStoredOp);
}

/** Which ops' values a judgement reads: whole tables, and single fields of other tables. */
export interface JudgedValues {
  readonly tables: readonly string[];
  readonly fields: Readonly<Record<string, readonly string[]>>;
}

/**
 * Every op of the inspection from `fromHlc` on, in judgement order, or only those of `tables`.
 * Only the values the judgement reads (`judged`) are read back; every other op comes with the
 * value null, so a re-judgement does not hold every note's text of the store in memory.
 */
export function* opsFrom(
  db: ReadableDb,
  inspectionId: string,
  fromHlc: string,
  judged: JudgedValues,
  tables: readonly string[] | null = null,
): Generator<StoredOp> {
  // Table and field names are compared as text (the op log stores them in tbl/field), so
  // they go in as string literals of known names.
  const wanted = [
    ...judged.tables.map((t) => `op.tbl = ${identLiteral(t)}`),
    ...Object.entries(judged.fields).flatMap(([t, fields]) =>
      fields.map((f) => `(op.tbl = ${identLiteral(t)} AND op.field = ${identLiteral(f)})`),
    ),
  ];
  const valueSql = wanted.length === 0 ? "'null'" : `CASE WHEN ${wanted.join(' OR ')} THEN op.value ELSE 'null' END`;
  const columnsSql = COLUMNS.replace('op.value', `${valueSql} AS value`);
  if (tables !== null && tables.length === 0) return;
  // A few tables: one op_by_field range each (`+` keeps the planner off op_by_inspection).
  const whereSql =
    tables === null
      ? 'op.inspection_id = ?'
      : `+op.inspection_id = ? AND op.tbl IN (${tables.map((t) => identLiteral(t)).join(', ')})`;
  const rows = db
    .prepare<[string, string], StoredOpRow>(
      `SELECT ${columnsSql} FROM op WHERE ${whereSql} AND op.hlc >= ? ORDER BY op.hlc, op.id`,
    )
    .iterate(inspectionId, fromHlc);
  for (const row of rows) yield toStoredOp(row);
}

export function changesetOps(db: ReadableDb, changesetId: string): StoredOp[] {
  return cached<[string], StoredOpRow>(db, `SELECT ${COLUMNS} FROM op WHERE op.changeset_id = ?`)
    .all(changesetId)
    .map(toStoredOp);
}

export function maxOpHlc(db: ReadableDb, inspectionId: string): string | null {
  return oneRow(
    cached<[string], { hlc: string | null }>(db, 'SELECT max(hlc) AS hlc FROM op WHERE inspection_id = ?').get(inspectionId),
  ).hlc;
}

export type VerdictKind = 'refused' | 'held' | 'confirmed';

export interface VerdictRow {
  readonly opId: string;
  readonly kind: VerdictKind;
  readonly rule: string;
  readonly member: string;
  readonly change: string;
  readonly message: string;
  readonly decidedAt: string;
}

export function readVerdicts(db: ReadableDb, inspectionId: string): Map<string, VerdictRow> {
  const rows = cached<[string], VerdictRow>(
    db,
    `SELECT op_id AS opId, kind, rule, member, change, message, decided_at AS decidedAt FROM op_verdict WHERE inspection_id = ?`,
  ).all(inspectionId);
  return new Map(rows.map((r) => [r.opId, r]));
}

/**
 * The rule of a deletion held with a bundle that deletes many records (main/sync/import-bundle.ts):
 * a 'held' verdict like the audience hold's, but released by merging that bundle with the
 * deletions confirmed, never by team.confirmKeys, so listVerdicts leaves it out.
 */
export const DELETIONS_HELD_RULE = 'deletions-held';

/** Deletions held with a bundle, among the given changesets' ops. */
export function heldDeletionsIn(db: ReadableDb, changesetIds: readonly string[]): StoredOp[] {
  const statement = cached<[string], StoredOpRow>(
    db,
    `SELECT ${COLUMNS} FROM op JOIN op_verdict v ON v.op_id = op.id
     WHERE op.changeset_id = ? AND v.kind = 'held' AND v.rule = '${DELETIONS_HELD_RULE}' ORDER BY op.hlc, op.id`,
  );
  return changesetIds.flatMap((id) => statement.all(id).map(toStoredOp));
}

/** A verdict with the op it judged. */
type ListedVerdict = VerdictRow & { row: string; field: string; value: string; hlc: string; changesetId: string };

/** Key-change holds (the audience hold); deletions held with a bundle are not listed. */
export function listVerdicts(db: ReadableDb, inspectionId: string, kind: VerdictKind): ListedVerdict[] {
  return cached<[string, VerdictKind], ListedVerdict>(
    db,
    `SELECT v.op_id AS opId, v.kind, v.rule, v.member, v.change, v.message, v.decided_at AS decidedAt,
            op.row_id AS row, op.field, op.value, op.hlc, op.changeset_id AS changesetId
     FROM op_verdict v JOIN op ON op.id = v.op_id
     WHERE v.inspection_id = ? AND v.kind = ? AND v.rule <> '${DELETIONS_HELD_RULE}' ORDER BY op.hlc, op.id`,
  ).all(inspectionId, kind);
}

export function writeVerdict(db: Db, inspectionId: string, verdict: VerdictRow): void {
  cached(
    db,
    `INSERT INTO op_verdict(op_id, inspection_id, kind, rule, member, change, message, decided_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT(op_id) DO UPDATE SET kind = excluded.kind, rule = excluded.rule, member = excluded.member,
       change = excluded.change, message = excluded.message`,
  ).run(
    verdict.opId,
    inspectionId,
    verdict.kind,
    verdict.rule,
    verdict.member,
    verdict.change,
    verdict.message,
    verdict.decidedAt,
  );
}

export function clearVerdict(db: Db, opId: string): void {
  cached(db, 'DELETE FROM op_verdict WHERE op_id = ?').run(opId);
}

/** The ops of a field that take effect (no verdict, or a confirmed hold). */
export function effectiveFieldOps(db: ReadableDb, key: FieldKey): Op[] {
  const rows = cached<[string, string, string], StoredOpRow>(
    db,
    `SELECT ${COLUMNS} FROM op LEFT JOIN op_verdict v ON v.op_id = op.id
     WHERE op.tbl = ? AND op.row_id = ? AND op.field = ? AND (v.kind IS NULL OR v.kind = 'confirmed')`,
  ).all(key.table, key.row, key.field);
  return rows.map(toStoredOp);
}

/** Whether any op of a row takes effect (none refused or held, or one confirmed). */
export function rowTakesEffect(db: ReadableDb, table: string, row: string): boolean {
  return (
    cached<[string, string], { one: number }>(
      db,
      `SELECT 1 AS one FROM op LEFT JOIN op_verdict v ON v.op_id = op.id
       WHERE op.tbl = ? AND op.row_id = ? AND (v.kind IS NULL OR v.kind = 'confirmed') LIMIT 1`,
    ).get(table, row) !== undefined
  );
}

/** Replaces a field's superseded set and heads (used when a verdict changes after the fact). */
export function replaceFieldHeads(db: Db, key: FieldKey, superseded: readonly string[], heads: readonly string[]): void {
  cached(db, 'DELETE FROM op_superseded WHERE tbl = ? AND row_id = ? AND field = ?').run(key.table, key.row, key.field);
  cached(db, 'DELETE FROM field_head WHERE tbl = ? AND row_id = ? AND field = ?').run(key.table, key.row, key.field);
  const addSuperseded = cached(
    db,
    'INSERT INTO op_superseded(tbl, row_id, field, op_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING',
  );
  for (const id of superseded) addSuperseded.run(key.table, key.row, key.field, id);
  const addHead = cached(db, 'INSERT INTO field_head(tbl, row_id, field, op_id) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING');
  for (const id of heads) addHead.run(key.table, key.row, key.field, id);
}

/** The latest change that took effect on each roster row: who signed it and its clock. */
export function rosterLastChanges(db: ReadableDb, inspectionId: string): Map<string, { author: string; hlc: string }> {
  const rows = cached<[string], { row: string; author: string; hlc: string }>(
    db,
    `SELECT op.row_id AS row, op.author, max(op.hlc) AS hlc FROM op LEFT JOIN op_verdict v ON v.op_id = op.id
     WHERE op.inspection_id = ? AND op.tbl = 'team_member' AND (v.kind IS NULL OR v.kind = 'confirmed')
     GROUP BY op.row_id`,
  ).all(inspectionId);
  return new Map(rows.map((r) => [r.row, { author: r.author, hlc: r.hlc }]));
}

/** Keys that were ever given to a member by a change that took effect. */
export function everMemberKeys(db: ReadableDb, inspectionId: string): Set<string> {
  const rows = cached<[string], { value: string }>(
    db,
    `SELECT DISTINCT op.value FROM op LEFT JOIN op_verdict v ON v.op_id = op.id
     WHERE +op.inspection_id = ? AND op.tbl = 'team_member' AND op.field = 'signing_key' AND (v.kind IS NULL OR v.kind = 'confirmed')`,
  ).all(inspectionId);
  const keys = new Set<string>();
  for (const r of rows) {
    const v = JSON.parse(r.value) as unknown;
    if (typeof v === 'string') keys.add(v);
  }
  return keys;
}

/** The first op (by clock, then id) ever written to a field, whatever its verdict. */
export function firstFieldOp(db: ReadableDb, key: FieldKey): Op | null {
  const row = cached<[string, string, string], StoredOpRow>(
    db,
    `SELECT ${COLUMNS} FROM op WHERE op.tbl = ? AND op.row_id = ? AND op.field = ? ORDER BY op.hlc, op.id LIMIT 1`,
  ).get(key.table, key.row, key.field);
  return row === undefined ? null : toStoredOp(row);
}
