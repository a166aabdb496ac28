/**
 * SQL for bundles: the staging area an import verifies into, changeset pages for export,
 * peers' acknowledgements, the roster keys trust is checked against, and the import history.
 *
 * The staging table is outside the store file, so a refused bundle leaves the file
 * byte-for-byte as it was. A large bundle (BundleLimits.stageOnDiskBytes) is staged in the
 * connection's own stage file (stage-file.ts: an attached database encrypted under a key only
 * that connection holds), which SQLite reads through its small default page cache, so the
 * bundle waits on disk, not in memory, between verification and the import transaction. A
 * smaller one, and any on a read-only or in-memory connection (which has no stage file), is
 * staged in the TEMP database, held in memory (temp_store=MEMORY). Each import's token keeps
 * its own place, so a kept preview and a new import may be staged in different ones.
 */
import type { ChangesetRecord } from './op-log-repo.js';
import type { SyncedTableName } from '../../shared/sync/tables.js';
import type { Db, ReadableDb } from './connection.js';
import { oneRow } from './one-row.js';
import { ident } from './sql-ident.js';
import { attachStage, type StageSchema } from './stage-file.js';
import { cached } from './statement-cache.js';

// ---------- staging ----------

/** Per connection: where its stage file is attached ('temp' when it cannot have one), once attached. */
const attached = new WeakMap<ReadableDb, StageSchema>();
/** Per connection: where each staged import's changesets are, by token. */
const staged = new WeakMap<ReadableDb, Map<string, StageSchema>>();

/** An import's staging table, schema-qualified (the schema is one of StageSchema's two names). */
function stageSql(db: ReadableDb, token: string): string {
  return `${staged.get(db)?.get(token) ?? 'temp'}.bundle_stage`;
}

/**
 * Makes the staging table for one import, on disk (the stage file, attached on the first
 * import that needs it) or in memory. Not inside a transaction: ATTACH cannot run in one.
 */
export function ensureStage(db: Db, token: string, onDisk: boolean): void {
  let schemaSql: StageSchema = 'temp';
  if (onDisk) {
    schemaSql = attached.get(db) ?? attachStage(db);
    attached.set(db, schemaSql);
  }
  const tokens = staged.get(db) ?? new Map<string, StageSchema>();
  tokens.set(token, schemaSql);
  staged.set(db, tokens);
  db.exec(`CREATE TABLE IF NOT EXISTS ${schemaSql}.bundle_stage (
    token TEXT NOT NULL, id TEXT NOT NULL, author TEXT NOT NULL, seq INTEGER NOT NULL,
    prev TEXT, body BLOB NOT NULL, signature BLOB NOT NULL, known INTEGER NOT NULL,
    PRIMARY KEY (token, id)) STRICT;
    CREATE INDEX IF NOT EXISTS ${schemaSql}.bundle_stage_by_chain ON bundle_stage(token, author, seq, id)`);
}

export function stageChangeset(db: Db, token: string, record: ChangesetRecord, known: boolean): boolean {
  const result = cached(
    db,
    `INSERT INTO ${stageSql(db, token)}(token, id, author, seq, prev, body, signature, known)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING`,
  ).run(token, record.id, record.author, record.seq, record.prev, record.body, record.signature, known ? 1 : 0);
  return result.changes === 1;
}

/** A staged changeset's chain fields, as the stage returns them (its body is read on its own). */
interface StageLinkRow {
  id: string;
  author: string;
  seq: number;
  prev: string | null;
  signature: Buffer;
  known: number;
}

/** Chain fields read from the stage at a time; bodies are read one by one. */
const STAGE_PAGE = 256;

/**
 * Every staged changeset in chain order (author, seq, then id), with `streamedKnown`: whether
 * the store held the same bytes while the file streamed (then its signature was not checked
 * again). The import decides what is known again inside its write transaction; this is only a
 * hint. Read by keyset pages of chain fields, each body on its own as it is yielded, so no
 * statement stays open across the caller's work and memory holds one body, not the bundle's.
 */
export function* iterateStaged(
  db: ReadableDb,
  token: string,
  inspectionId: string,
): Generator<ChangesetRecord & { readonly streamedKnown: boolean }> {
  const page = cached<[string, string, number, string], StageLinkRow>(
    db,
    `SELECT id, author, seq, prev, signature, known FROM ${stageSql(db, token)}
     WHERE token = ? AND (author, seq, id) > (?, ?, ?) ORDER BY author, seq, id LIMIT ${STAGE_PAGE}`,
  );
  const bodyOf = cached<[string, string], Buffer>(
    db,
    `SELECT body FROM ${stageSql(db, token)} WHERE token = ? AND id = ?`,
  ).pluck();
  let after: [string, number, string] = ['', -1, ''];
  for (;;) {
    const rows = page.all(token, ...after);
    for (const { known, ...row } of rows) {
      // Listed on the page just now, and nothing deletes from the stage while it is read.
      const body = oneRow(bodyOf.get(token, row.id));
      yield { ...row, body, inspection: inspectionId, local: false, streamedKnown: known === 1 };
    }
    const last = rows[rows.length - 1];
    if (last === undefined || rows.length < STAGE_PAGE) return;
    after = [last.author, last.seq, last.id];
  }
}

export interface StagedLink {
  readonly id: string;
  readonly author: string;
  readonly seq: number;
  readonly prev: string | null;
  readonly signature: Buffer;
  readonly streamedKnown: boolean;
}

/** The chain fields of every staged changeset (no bodies), in the same order as iterateStaged. */
export function stagedLinks(db: ReadableDb, token: string): StagedLink[] {
  const rows = cached<[string], StageLinkRow>(
    db,
    `SELECT id, author, seq, prev, signature, known FROM ${stageSql(db, token)} WHERE token = ? ORDER BY author, seq, id`,
  ).all(token);
  return rows.map(({ known, ...row }) => ({ ...row, streamedKnown: known === 1 }));
}

export function clearStage(db: Db, token: string): void {
  cached(db, `DELETE FROM ${stageSql(db, token)} WHERE token = ?`).run(token);
  staged.get(db)?.delete(token);
}

// ---------- changesets ----------

export interface KnownChangeset {
  readonly author: string;
  readonly seq: number;
  readonly prev: string | null;
  readonly signature: Buffer;
}

export function knownChangeset(db: ReadableDb, id: string): KnownChangeset | null {
  const row = cached<[string], KnownChangeset>(db, 'SELECT author, seq, prev, signature FROM changeset WHERE id = ?').get(id);
  return row ?? null;
}

export function changesetIdAt(db: ReadableDb, inspectionId: string, author: string, seq: number): string | null {
  const row = cached<[string, string, number], { id: string }>(
    db,
    'SELECT id FROM changeset WHERE inspection_id = ? AND author = ? AND seq = ?',
  ).get(inspectionId, author, seq);
  return row?.id ?? null;
}

/** The author and seq of a stored changeset, by id. */
export function changesetLink(db: ReadableDb, id: string): { author: string; seq: number } | null {
  const row = cached<[string], { author: string; seq: number }>(db, 'SELECT author, seq FROM changeset WHERE id = ?').get(id);
  return row ?? null;
}

/** Whether another changeset of this author follows `prev` (null: another root, a restored laptop's second line). */
export function hasOtherChild(db: ReadableDb, inspectionId: string, author: string, prev: string | null, id: string): boolean {
  return (
    cached(db, 'SELECT 1 FROM changeset WHERE inspection_id = ? AND author = ? AND prev IS ? AND id <> ? LIMIT 1').get(
      inspectionId,
      author,
      prev,
      id,
    ) !== undefined
  );
}

export interface ChangesetPageRow {
  readonly seq: number;
  readonly body: Buffer;
  readonly signature: Buffer;
}

/** One page of an author's chain, seq in (after, upTo]; keyset paging keeps no cursor open across awaits. */
export function changesetPage(
  db: ReadableDb,
  inspectionId: string,
  author: string,
  after: number,
  upTo: number,
  limit: number,
): ChangesetPageRow[] {
  return cached<[string, string, number, number, number], ChangesetPageRow>(
    db,
    `SELECT seq, body, signature FROM changeset
       WHERE inspection_id = ? AND author = ? AND seq > ? AND seq <= ? ORDER BY seq LIMIT ?`,
  ).all(inspectionId, author, after, upTo, limit);
}

/** The inspection a synced row already belongs to, if the row exists (table name from the registry only). */
export function rowInspection(db: ReadableDb, table: SyncedTableName, rowId: string): string | null {
  const row = cached<[string], { inspection_id: string }>(db, `SELECT inspection_id FROM ${ident(table)} WHERE id = ?`).get(
    rowId,
  );
  return row?.inspection_id ?? null;
}

// ---------- acknowledgements ----------

export function recordHolds(db: Db, inspectionId: string, peer: string, holds: Readonly<Record<string, number>>): void {
  const statement = cached(
    db,
    `INSERT INTO bundle_ack(inspection_id, peer, author, seq) VALUES (?, ?, ?, ?)
     ON CONFLICT(inspection_id, peer, author) DO UPDATE SET seq = max(seq, excluded.seq)`,
  );
  for (const [author, seq] of Object.entries(holds)) statement.run(inspectionId, peer, author, seq);
}

export function readHolds(db: ReadableDb, inspectionId: string, peer: string): Map<string, number> {
  const rows = cached<[string, string], { author: string; seq: number }>(
    db,
    'SELECT author, seq FROM bundle_ack WHERE inspection_id = ? AND peer = ?',
  ).all(inspectionId, peer);
  return new Map(rows.map((r) => [r.author, r.seq]));
}

// ---------- roster ----------

export interface RosterKey {
  readonly signingKey: string;
  readonly boxKey: string | null;
  readonly role: string | null;
  readonly name: string | null;
}

/** Current (not deleted) members with a device key. */
export function rosterKeys(db: ReadableDb, inspectionId: string): RosterKey[] {
  return cached<[string], RosterKey>(
    db,
    `SELECT signing_key AS signingKey, box_key AS boxKey, role, name FROM team_member
       WHERE inspection_id = ? AND deleted = 0 AND signing_key IS NOT NULL ORDER BY signing_key`,
  ).all(inspectionId);
}

/** Whether this store knows the inspection at all (any op for it). */
export function knowsInspection(db: ReadableDb, inspectionId: string): boolean {
  return cached(db, 'SELECT 1 FROM changeset WHERE inspection_id = ? LIMIT 1').get(inspectionId) !== undefined;
}

export function memberName(db: ReadableDb, inspectionId: string, signingKey: string): string | null {
  const row = cached<[string, string], { name: string | null }>(
    db,
    'SELECT name FROM team_member WHERE inspection_id = ? AND signing_key = ? ORDER BY deleted, id LIMIT 1',
  ).get(inspectionId, signingKey);
  return row?.name ?? null;
}

export function localAuthorityOf(db: ReadableDb, inspectionId: string): string | null {
  const row = cached<[string], { local_authority: string | null }>(db, 'SELECT local_authority FROM inspection WHERE id = ?').get(
    inspectionId,
  );
  return row?.local_authority ?? null;
}

// ---------- import history ----------

export interface ImportedBundleRecord {
  readonly id: string;
  readonly inspectionId: string;
  readonly fileName: string;
  readonly exporter: string;
  readonly importedAt: string;
  readonly newOps: number;
  readonly summary: { updatedFields: number; newConflicts: number; deletions: number; exporterName: string | null };
}

export function isBundleImported(db: ReadableDb, bundleId: string): boolean {
  return cached(db, 'SELECT 1 FROM imported_bundle WHERE id = ?').get(bundleId) !== undefined;
}

export function recordImportedBundle(db: Db, record: ImportedBundleRecord): void {
  cached(
    db,
    `INSERT INTO imported_bundle(id, inspection_id, file_name, exporter, imported_at, new_ops, summary)
     VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO NOTHING`,
  ).run(
    record.id,
    record.inspectionId,
    record.fileName,
    record.exporter,
    record.importedAt,
    record.newOps,
    JSON.stringify(record.summary),
  );
}

/** Conflict keys of an inspection as text, to count the ones an import adds. */
export function conflictKeySet(db: ReadableDb, inspectionId: string): Set<string> {
  const rows = cached<[string], { tbl: string; row_id: string; field: string }>(
    db,
    'SELECT tbl, row_id, field FROM conflict WHERE inspection_id = ?',
  ).all(inspectionId);
  return new Set(rows.map((r) => `${r.tbl}\u0000${r.row_id}\u0000${r.field}`));
}
