/**
 * Read queries for conflict review: which fields are in conflict, the competing head ops of a
 * field or row, where each op came from (its changeset, and the bundle that brought it), who
 * the authors are on the roster, and the few columns that name a record for people.
 * Writes never happen here: resolutions are ops (main/sync/local-write.ts).
 */
import type { Op } from '../../shared/sync/op.js';
import type { SyncedTableName } from '../../shared/sync/tables.js';
import type { Db } from './connection.js';
import { readHeads, toOp, type FieldKey, type OpRow } from './op-log-repo.js';
import { cached } from './statement-cache.js';

export { readHeads };

export function isConflictOpen(db: Db, inspectionId: string, key: FieldKey): boolean {
  return (
    db
      .prepare('SELECT 1 FROM conflict WHERE inspection_id = ? AND tbl = ? AND row_id = ? AND field = ?')
      .get(inspectionId, key.table, key.row, key.field) !== undefined
  );
}

export function countOpenConflicts(db: Db, inspectionId: string): number {
  const row = db.prepare('SELECT count(*) AS n FROM conflict WHERE inspection_id = ?').get(inspectionId) as { n: number };
  return row.n;
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
export function memberNamesByKey(db: Db, inspectionId: string): Map<string, string> {
  const rows = db
    .prepare(
      `SELECT signing_key AS key, name FROM team_member
       WHERE inspection_id = ? AND signing_key IS NOT NULL AND name IS NOT NULL ORDER BY deleted DESC`,
    )
    .all(inspectionId) as { key: string; name: string }[];
  return new Map(rows.map((r) => [r.key, r.name]));
}

/** The columns that name a record for people; fixed per table, never taken from input. */
const LABEL_COLUMNS: Readonly<Record<SyncedTableName, string>> = {
  inspection: 'local_authority',
  team_member: 'name',
  sample_run: 'drawn_at',
  sampled_case: 'case_ref',
  evidence_note: 'text, case_id',
  finding: 'statement',
  finding_evidence: 'finding_id, note_id',
  escalation: 'concern, case_id',
  accuracy_comment: 'passage',
};

export type RecordColumns = Readonly<Record<string, string | null>> & { readonly deleted: number };

/** Everything the conflict queue shows, read in a fixed number of statements whatever its length. */
export interface ConflictQueue {
  /** Open conflicts in (table, row, field) order, each with its head ops. */
  readonly conflicts: readonly { key: FieldKey; heads: Op[]; sources: Map<string, OpSourceRow> }[];
  /** Head ops of every field of each row that has an open deletion conflict, by `table:row`. */
  readonly rowHeads: ReadonlyMap<string, Op[]>;
  /** The naming columns of each record involved (conflicting rows and the cases, findings and notes they point to), by `table:row`. */
  readonly records: ReadonlyMap<string, RecordColumns>;
}

export const recordKey = (table: string, row: string): string => `${table}:${row}`;

interface QueueHeadRow extends OpRow {
  changesetId: string;
  seq: number;
  local: number;
  receivedAt: string;
}

const QUEUE_HEADS_SQL = `SELECT k.tbl, k.row_id, k.field, op.id, op.inspection_id, op.hlc, op.author, op.value, op.deps,
       c.id AS changesetId, c.seq, c.local, c.received_at AS receivedAt
  FROM conflict k
  JOIN field_head h ON h.tbl = k.tbl AND h.row_id = k.row_id AND h.field = k.field
  JOIN op ON op.id = h.op_id
  JOIN changeset c ON c.id = op.changeset_id
  WHERE k.inspection_id = ?
  ORDER BY k.tbl, k.row_id, k.field`;

const QUEUE_ROW_HEADS_SQL = `SELECT op.id, op.inspection_id, op.hlc, op.author, op.tbl, op.row_id, op.field, op.value, op.deps
  FROM (SELECT DISTINCT tbl, row_id FROM conflict WHERE inspection_id = ? AND field = ?) d
  JOIN field_head h ON h.tbl = d.tbl AND h.row_id = d.row_id
  JOIN op ON op.id = h.op_id`;

/** Rows of `table` that an open conflict of the inspection names, or that it points at. */
function recordsSql(table: SyncedTableName): string {
  return `SELECT id, deleted, ${LABEL_COLUMNS[table]} FROM ${table} WHERE id IN (SELECT row_id FROM conflict WHERE inspection_id = ? AND tbl = '${table}')`;
}

/**
 * The bundle that brought a changeset. The importer records no changeset-to-bundle link, but it
 * stores a bundle's changesets and then the bundle in one transaction, so the bundle is the
 * first one of the inspection imported at or after the changeset's arrival (within a minute,
 * so changesets that arrived another way are not misattributed). `bundles` is sorted by
 * (imported_at, id), as the SQL there orders them.
 */
function bundleFor(
  bundles: readonly { importedAt: string; fileName: string }[],
  receivedAt: string,
): { fileName: string; importedAt: string } | null {
  const arrived = Date.parse(receivedAt);
  if (!Number.isFinite(arrived)) return null;
  const latest = new Date(arrived + 60_000).toISOString();
  let lo = 0;
  let hi = bundles.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((bundles[mid] as { importedAt: string }).importedAt < receivedAt) lo = mid + 1;
    else hi = mid;
  }
  const found = bundles[lo];
  return found && found.importedAt <= latest ? found : null;
}

export function readConflictQueue(db: Db, inspectionId: string, deletedField: string): ConflictQueue {
  const bundles = cached(
    db,
    'SELECT imported_at AS importedAt, file_name AS fileName FROM imported_bundle WHERE inspection_id = ? ORDER BY imported_at, id',
  ).all(inspectionId) as { importedAt: string; fileName: string }[];
  const conflicts: { key: FieldKey; heads: Op[]; sources: Map<string, OpSourceRow> }[] = [];
  const tables = new Set<SyncedTableName>();
  let current: (typeof conflicts)[number] | null = null;
  for (const row of cached(db, QUEUE_HEADS_SQL).all(inspectionId) as QueueHeadRow[]) {
    if (!current || current.key.table !== row.tbl || current.key.row !== row.row_id || current.key.field !== row.field) {
      current = { key: { table: row.tbl as SyncedTableName, row: row.row_id, field: row.field }, heads: [], sources: new Map() };
      conflicts.push(current);
      tables.add(current.key.table);
    }
    current.heads.push(toOp(row));
    const bundle = row.local === 1 ? null : bundleFor(bundles, row.receivedAt);
    current.sources.set(row.id, {
      changesetId: row.changesetId,
      seq: row.seq,
      local: row.local === 1,
      receivedAt: row.receivedAt,
      bundleFileName: bundle?.fileName ?? null,
      bundleImportedAt: bundle?.importedAt ?? null,
    });
  }
  const rowHeads = new Map<string, Op[]>();
  for (const row of cached(db, QUEUE_ROW_HEADS_SQL).all(inspectionId, deletedField) as OpRow[]) {
    const key = recordKey(row.tbl, row.row_id);
    const list = rowHeads.get(key) ?? [];
    list.push(toOp(row));
    rowHeads.set(key, list);
  }
  const records = new Map<string, RecordColumns>();
  const put = (table: SyncedTableName, rows: (RecordColumns & { id: string })[]) => {
    for (const { id, ...columns } of rows) records.set(recordKey(table, id), columns as RecordColumns);
  };
  for (const table of tables) put(table, cached(db, recordsSql(table)).all(inspectionId) as (RecordColumns & { id: string })[]);
  // What the records point at: cases and findings name the groups, a link names its note.
  put(
    'sampled_case',
    cached(db, `SELECT id, deleted, ${LABEL_COLUMNS.sampled_case} FROM sampled_case WHERE inspection_id = ?`).all(
      inspectionId,
    ) as (RecordColumns & { id: string })[],
  );
  if (tables.has('finding_evidence') || tables.has('finding')) {
    put(
      'finding',
      cached(db, `SELECT id, deleted, ${LABEL_COLUMNS.finding} FROM finding WHERE inspection_id = ?`).all(
        inspectionId,
      ) as (RecordColumns & { id: string })[],
    );
  }
  if (tables.has('finding_evidence')) {
    put(
      'evidence_note',
      cached(
        db,
        `SELECT n.id, n.deleted, ${LABEL_COLUMNS.evidence_note
          .split(', ')
          .map((c) => `n.${c}`)
          .join(', ')} FROM evidence_note n
         WHERE n.id IN (SELECT fe.note_id FROM finding_evidence fe
                        WHERE fe.id IN (SELECT row_id FROM conflict WHERE inspection_id = ? AND tbl = 'finding_evidence'))`,
      ).all(inspectionId) as (RecordColumns & { id: string })[],
    );
  }
  return { conflicts, rowHeads, records };
}
