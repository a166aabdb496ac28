/**
 * Read queries for conflict review: which fields are in conflict (a page of the queue at a
 * time, in keyset order), the competing head ops of a field or row, where each op came from
 * (its changeset, and the bundle that brought it), who the authors are on the roster, and the
 * few columns that name a record for people. Writes never happen here: resolutions are ops
 * (main/sync/local-write.ts).
 */
import type { Op } from '../../shared/sync/op.js';
import type { SyncedTableName } from '../../shared/sync/tables.js';
import type { NamedParams, ReadableDb } from './connection.js';
import { oneRow } from './one-row.js';
import { readHeads, toOp, type FieldKey, type OpRow } from './op-log-repo.js';
import { ident, idents } from './sql-ident.js';
import { cached } from './statement-cache.js';

export { readHeads };

export function isConflictOpen(db: ReadableDb, inspectionId: string, key: FieldKey): boolean {
  return (
    cached<[string, string, string, string], { one: number }>(
      db,
      'SELECT 1 AS one FROM conflict WHERE inspection_id = ? AND tbl = ? AND row_id = ? AND field = ?',
    ).get(inspectionId, key.table, key.row, key.field) !== undefined
  );
}

export function countOpenConflicts(db: ReadableDb, inspectionId: string): number {
  return oneRow(
    cached<[string], { n: number }>(db, 'SELECT count(*) AS n FROM conflict WHERE inspection_id = ?').get(inspectionId),
  ).n;
}

export interface OpSourceRow {
  readonly changesetId: string;
  readonly seq: number;
  readonly local: boolean;
  readonly receivedAt: string;
  readonly bundleFileName: string | null;
  readonly bundleImportedAt: string | null;
}

/** Roster names by signing key, including removed members (their old ops still need a name). */
export function memberNamesByKey(db: ReadableDb, inspectionId: string): Map<string, string> {
  const rows = cached<[string], { key: string; name: string }>(
    db,
    `SELECT signing_key AS key, name FROM team_member
     WHERE inspection_id = ? AND signing_key IS NOT NULL AND name IS NOT NULL ORDER BY deleted DESC`,
  ).all(inspectionId);
  return new Map(rows.map((r) => [r.key, r.name]));
}

/** The columns that name a record for people; fixed per table, never taken from input. */
const LABEL_COLUMNS: Readonly<Record<SyncedTableName, readonly string[]>> = {
  inspection: ['local_authority'],
  team_member: ['name'],
  sample_run: ['drawn_at'],
  sampled_case: ['case_ref'],
  evidence_note: ['text', 'case_id'],
  finding: ['statement'],
  finding_evidence: ['finding_id', 'note_id'],
  escalation: ['concern', 'case_id'],
  accuracy_comment: ['passage'],
};

/** The naming columns of a record (`deleted` is 0 or 1), by column name. */
export type RecordColumns = Readonly<Record<string, string | null>> & { readonly deleted: number };
type RecordRow = RecordColumns & { readonly id: string };

export const recordKey = (table: string, row: string): string => `${table}:${row}`;

/** The group a conflict is listed under: a case (0), a finding (1) or the other records (2). */
export type GroupRank = 0 | 1 | 2;

/**
 * Where a conflict stands in the queue's order, every part of which is a column of the page
 * query: group rank, the group's sort key (its case reference, or the first 200 characters of
 * its finding's statement; '' for the others), the group's record id ('' for the others),
 * then table, row and field (the conflict's primary key, so no two positions are equal).
 */
export interface ConflictPosition {
  readonly rank: GroupRank;
  readonly sortKey: string;
  readonly groupId: string;
  readonly table: SyncedTableName;
  readonly row: string;
  readonly field: string;
}

interface PositionRow {
  rank: GroupRank;
  sortKey: string;
  groupId: string;
  tbl: SyncedTableName;
  rowId: string;
  field: string;
}

/** Before every position (no rank is below 0): the first page's seek. */
const START = { rank: -1, sortKey: '', groupId: '', table: '', row: '', field: '' } as const;

/**
 * The queue's order, computed for the inspection's open conflicts (a few thousand at most,
 * each placed by primary-key lookups), then one row-value seek past the cursor. A note or an
 * escalation is placed under its case, a finding link under its finding; a case or finding
 * the store does not hold still names a group (sorted first, by its id).
 */
const PAGE_POSITIONS_SQL = `WITH placed AS (
    SELECT k.tbl, k.row_id, k.field,
      CASE k.tbl WHEN 'sampled_case' THEN k.row_id WHEN 'evidence_note' THEN n.case_id WHEN 'escalation' THEN e.case_id END AS case_id,
      CASE k.tbl WHEN 'finding' THEN k.row_id WHEN 'finding_evidence' THEN fe.finding_id END AS finding_id
    FROM conflict k
    LEFT JOIN evidence_note n ON k.tbl = 'evidence_note' AND n.id = k.row_id
    LEFT JOIN escalation e ON k.tbl = 'escalation' AND e.id = k.row_id
    LEFT JOIN finding_evidence fe ON k.tbl = 'finding_evidence' AND fe.id = k.row_id
    WHERE k.inspection_id = @inspectionId
  ), keyed AS (
    SELECT p.tbl, p.row_id, p.field,
      CASE WHEN p.case_id <> '' THEN 0 WHEN p.finding_id <> '' THEN 1 ELSE 2 END AS rank,
      CASE WHEN p.case_id <> '' THEN coalesce(substr(c.case_ref, 1, 200), '')
           WHEN p.finding_id <> '' THEN coalesce(substr(f.statement, 1, 200), '') ELSE '' END AS sort_key,
      CASE WHEN p.case_id <> '' THEN p.case_id WHEN p.finding_id <> '' THEN p.finding_id ELSE '' END AS group_id
    FROM placed p
    LEFT JOIN sampled_case c ON c.id = p.case_id
    LEFT JOIN finding f ON f.id = p.finding_id
  )
  SELECT rank, sort_key AS sortKey, group_id AS groupId, tbl, row_id AS rowId, field FROM keyed
  WHERE (rank, sort_key, group_id, tbl, row_id, field) > (@rank, @sortKey, @groupId, @table, @row, @field)
  ORDER BY rank, sort_key, group_id, tbl, row_id, field
  LIMIT @limit`;

/** The page's conflict keys, bound as one JSON array of `[table, row, field]`. */
const PAGE_KEYS_SQL = `page(tbl, row_id, field) AS (
    SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'), json_extract(value, '$[2]') FROM json_each(@keys))`;

interface PageHeadRow extends OpRow {
  changesetId: string;
  seq: number;
  local: number;
  receivedAt: string;
  bundleFileName: string | null;
  bundleImportedAt: string | null;
}

/**
 * Each head of the page's fields, with its changeset and the bundle that brought it. The
 * importer records no changeset-to-bundle link, but it stores a bundle's changesets and then
 * the bundle in one transaction, so the bundle is the first one of the inspection imported at
 * or after the changeset's arrival (read through imported_bundle_by_inspection); the caller
 * keeps it only within a minute, so changesets that arrived another way are not misattributed.
 */
const PAGE_HEADS_SQL = `WITH ${PAGE_KEYS_SQL}
  SELECT h.tbl, h.row_id, h.field, op.id, op.inspection_id, op.hlc, op.author, op.value, op.deps,
         c.id AS changesetId, c.seq, c.local, c.received_at AS receivedAt,
         b.file_name AS bundleFileName, b.imported_at AS bundleImportedAt
  FROM page k
  JOIN field_head h ON h.tbl = k.tbl AND h.row_id = k.row_id AND h.field = k.field
  JOIN op ON op.id = h.op_id
  JOIN changeset c ON c.id = op.changeset_id
  LEFT JOIN imported_bundle b ON c.local = 0 AND b.id = (
    SELECT b2.id FROM imported_bundle b2
    WHERE b2.inspection_id = @inspectionId AND b2.imported_at >= c.received_at
    ORDER BY b2.imported_at, b2.id LIMIT 1)`;

/** Head ops of every field of the page's rows that have a deletion conflict on the page. */
const PAGE_ROW_HEADS_SQL = `WITH ${PAGE_KEYS_SQL}
  SELECT op.id, op.inspection_id, op.hlc, op.author, op.tbl, op.row_id, op.field, op.value, op.deps
  FROM (SELECT DISTINCT tbl, row_id FROM page WHERE field = @deletedField) d
  JOIN field_head h ON h.tbl = d.tbl AND h.row_id = d.row_id
  JOIN op ON op.id = h.op_id`;

/** The naming columns of the rows of `table` whose ids are bound as one JSON array. */
function recordsSql(table: SyncedTableName): string {
  return `SELECT id, deleted, ${idents(LABEL_COLUMNS[table])} FROM ${ident(table)}
    WHERE id IN (SELECT value FROM json_each(?)) AND inspection_id = ?`;
}

export interface QueuedConflict {
  readonly position: ConflictPosition;
  readonly key: FieldKey;
  readonly heads: readonly Op[];
  readonly sources: ReadonlyMap<string, OpSourceRow>;
}

/** One page of the queue and everything it shows, read in a fixed number of statements whatever its size. */
export interface ConflictPage {
  /** The page's open conflicts in queue order, each with its head ops. */
  readonly conflicts: readonly QueuedConflict[];
  /** Whether the queue goes on after this page. */
  readonly more: boolean;
  /** Head ops of every field of each page row that has an open deletion conflict, by `table:row`. */
  readonly rowHeads: ReadonlyMap<string, Op[]>;
  /** The naming columns of each record involved (the page's rows, their groups' cases and findings, a link's note), by `table:row`. */
  readonly records: ReadonlyMap<string, RecordColumns>;
}

const fieldKeyText = (table: string, row: string, field: string): string => JSON.stringify([table, row, field]);

/** The bundle a changeset came in, if it was imported within a minute of its arrival. */
function bundleWithin(row: PageHeadRow): { fileName: string; importedAt: string } | null {
  if (row.local === 1 || row.bundleFileName === null || row.bundleImportedAt === null) return null;
  const arrived = Date.parse(row.receivedAt);
  if (!Number.isFinite(arrived)) return null;
  const latest = new Date(arrived + 60_000).toISOString();
  return row.bundleImportedAt <= latest ? { fileName: row.bundleFileName, importedAt: row.bundleImportedAt } : null;
}

function readPositions(db: ReadableDb, inspectionId: string, after: ConflictPosition | null, limit: number): PositionRow[] {
  return cached<NamedParams, PositionRow>(db, PAGE_POSITIONS_SQL).all({ inspectionId, ...(after ?? START), limit });
}

function readRecords(db: ReadableDb, inspectionId: string, ids: ReadonlyMap<SyncedTableName, Set<string>>) {
  const records = new Map<string, RecordColumns>();
  for (const [table, wanted] of ids) {
    if (wanted.size === 0) continue;
    const rows = cached<[string, string], RecordRow>(db, recordsSql(table)).all(JSON.stringify([...wanted]), inspectionId);
    for (const row of rows) records.set(recordKey(table, row.id), row);
  }
  return records;
}

/** Up to `limit` open conflicts after `after` (from the start when null), and what names them. */
export function readConflictPage(
  db: ReadableDb,
  inspectionId: string,
  after: ConflictPosition | null,
  limit: number,
  deletedField: string,
): ConflictPage {
  // One more than asked for says whether there is a page after this one.
  const found = readPositions(db, inspectionId, after, limit + 1);
  const positions = found.slice(0, limit);
  const keys = JSON.stringify(positions.map((p) => [p.tbl, p.rowId, p.field]));
  const byKey = new Map<string, { heads: Op[]; sources: Map<string, OpSourceRow> }>();
  for (const row of cached<NamedParams, PageHeadRow>(db, PAGE_HEADS_SQL).all({ keys, inspectionId })) {
    const text = fieldKeyText(row.tbl, row.row_id, row.field);
    const entry = byKey.get(text) ?? { heads: [], sources: new Map<string, OpSourceRow>() };
    byKey.set(text, entry);
    entry.heads.push(toOp(row));
    const bundle = bundleWithin(row);
    entry.sources.set(row.id, {
      changesetId: row.changesetId,
      seq: row.seq,
      local: row.local === 1,
      receivedAt: row.receivedAt,
      bundleFileName: bundle?.fileName ?? null,
      bundleImportedAt: bundle?.importedAt ?? null,
    });
  }
  const rowHeads = new Map<string, Op[]>();
  for (const row of cached<NamedParams, OpRow>(db, PAGE_ROW_HEADS_SQL).all({ keys, deletedField })) {
    const key = recordKey(row.tbl, row.row_id);
    const list = rowHeads.get(key) ?? [];
    list.push(toOp(row));
    rowHeads.set(key, list);
  }
  // The page's own rows, and the cases and findings that name their groups.
  const ids = new Map<SyncedTableName, Set<string>>();
  const want = (table: SyncedTableName, id: string | null | undefined) => {
    if (!id) return;
    const set = ids.get(table) ?? new Set<string>();
    ids.set(table, set.add(id));
  };
  for (const p of positions) {
    want(p.tbl, p.rowId);
    if (p.rank === 0) want('sampled_case', p.groupId);
    if (p.rank === 1) want('finding', p.groupId);
  }
  const records = readRecords(db, inspectionId, ids);
  // A link is named by its note, known only once the link is read.
  const notes = new Map<SyncedTableName, Set<string>>([['evidence_note', new Set<string>()]]);
  for (const p of positions) {
    const noteId = p.tbl === 'finding_evidence' ? records.get(recordKey(p.tbl, p.rowId))?.note_id : null;
    if (noteId && !records.has(recordKey('evidence_note', noteId))) notes.get('evidence_note')?.add(noteId);
  }
  for (const [key, columns] of readRecords(db, inspectionId, notes)) records.set(key, columns);
  const conflicts = positions.map((p): QueuedConflict => {
    const entry = byKey.get(fieldKeyText(p.tbl, p.rowId, p.field));
    return {
      position: { rank: p.rank, sortKey: p.sortKey, groupId: p.groupId, table: p.tbl, row: p.rowId, field: p.field },
      key: { table: p.tbl, row: p.rowId, field: p.field },
      heads: entry?.heads ?? [],
      sources: entry?.sources ?? new Map(),
    };
  });
  return { conflicts, more: found.length > limit, rowHeads, records };
}
