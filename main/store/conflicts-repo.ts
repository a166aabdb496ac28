/**
 * Read queries for conflict review: which fields are in conflict, the competing head ops of a
 * field or row, where each op came from (its changeset, and the bundle that brought it), who
 * the authors are on the roster, and the few columns that name a record for people.
 * Writes never happen here: resolutions are ops (main/sync/local-write.ts).
 */
import type { Op } from '../../shared/sync/op.js';
import type { SyncedTableName } from '../../shared/sync/tables.js';
import type { Db } from './connection.js';
import { readHeads, readOpsById, readRowHeadIds, type FieldKey } from './op-log-repo.js';

export { readHeads };

export function listOpenConflicts(db: Db, inspectionId: string): FieldKey[] {
  const rows = db
    .prepare('SELECT tbl, row_id, field FROM conflict WHERE inspection_id = ? ORDER BY tbl, row_id, field')
    .all(inspectionId) as { tbl: string; row_id: string; field: string }[];
  return rows.map((r) => ({ table: r.tbl as SyncedTableName, row: r.row_id, field: r.field }));
}

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

/** The head ops of every field of a row (used to show edits a delete did not see). */
export function readRowHeads(db: Db, table: SyncedTableName, row: string): Op[] {
  return readOpsById(
    db,
    readRowHeadIds(db, table, row).map((h) => h.opId),
  );
}

export interface OpSourceRow {
  readonly changesetId: string;
  readonly seq: number;
  readonly local: boolean;
  readonly receivedAt: string;
  readonly bundleFileName: string | null;
  readonly bundleImportedAt: string | null;
}

/**
 * Where each op came from: the changeset that first carried it (on the op row) and, for an
 * imported changeset, the bundle that brought it. The importer records no changeset-to-bundle
 * link, but it stores a bundle's changesets and then the bundle in one transaction, so the
 * bundle is the first one of the inspection recorded at or after the changeset's arrival
 * (within a minute, so changesets that arrived another way are not misattributed).
 */
export function readOpSources(db: Db, opIds: readonly string[]): Map<string, OpSourceRow> {
  const statement = db.prepare(
    `SELECT c.id AS changesetId, c.seq, c.local, c.received_at AS receivedAt,
            b.file_name AS bundleFileName, b.imported_at AS bundleImportedAt
     FROM op o JOIN changeset c ON c.id = o.changeset_id
     LEFT JOIN imported_bundle b ON c.local = 0 AND b.id = (
       SELECT ib.id FROM imported_bundle ib
       WHERE ib.inspection_id = c.inspection_id AND ib.imported_at >= c.received_at
         AND ib.imported_at <= strftime('%Y-%m-%dT%H:%M:%fZ', c.received_at, '+60 seconds')
       ORDER BY ib.imported_at, ib.id LIMIT 1)
     WHERE o.id = ?`,
  );
  const sources = new Map<string, OpSourceRow>();
  for (const id of opIds) {
    const row = statement.get(id) as (Omit<OpSourceRow, 'local'> & { local: number }) | undefined;
    if (row) sources.set(id, { ...row, local: row.local === 1 });
  }
  return sources;
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

export function readRecordColumns(db: Db, table: SyncedTableName, row: string): RecordColumns | null {
  const found = db.prepare(`SELECT deleted, ${LABEL_COLUMNS[table]} FROM ${table} WHERE id = ?`).get(row) as
    RecordColumns | undefined;
  return found ?? null;
}
