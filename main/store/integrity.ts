/**
 * Integrity of store files, and salvage from damaged ones. Everything here opens files
 * READ-ONLY: a damaged store is evidence of unsynced work and must never be written to.
 * Salvage reads the signed changesets row by row, so one unreadable page costs only the rows
 * stored on it, not the whole op log.
 */
import { existsSync } from 'node:fs';
import { SYNCED_TABLES } from '../../shared/sync/tables.js';
import type { Db } from './connection.js';
import { oneRow } from './one-row.js';
import { ident } from './sql-ident.js';
import { readAllDraftsTolerantly, type DraftRow } from './draft-repo.js';
import { toChangeset, type ChangesetRecord, type ChangesetRow } from './op-log-repo.js';
import { openSqliteFile, type FileAccess } from './sqlite-file.js';

export type IntegrityResult = { readonly ok: true } | { readonly ok: false; readonly problem: string };

function readCheck(db: Db, pragma: 'quick_check' | 'integrity_check'): IntegrityResult {
  try {
    const rows = db.pragma(`${pragma}(20)`) as Record<string, unknown>[];
    const messages = rows.map((row) => String(Object.values(row)[0]));
    if (messages.length === 1 && messages[0] === 'ok') return { ok: true };
    return { ok: false, problem: messages.slice(0, 3).join('; ') || 'the check returned nothing' };
  } catch (error) {
    return { ok: false, problem: error instanceof Error ? error.message : String(error) };
  }
}

/** SQLite's fast structural check (no index-content cross-check): used on every open. */
export function quickCheck(db: Db): IntegrityResult {
  return readCheck(db, 'quick_check');
}

/** The full check: used before a backup is trusted and by `fieldwork check`. */
export function integrityCheck(db: Db): IntegrityResult {
  return readCheck(db, 'integrity_check');
}

export interface FileCheck {
  readonly ok: boolean;
  readonly problem: string | null;
  readonly schemaVersion: number | null;
}

export function openReadOnly(path: string, access: FileAccess = {}): Db {
  return openSqliteFile(path, access, { readonly: true });
}

/** Checks a store or backup file without writing a byte to it. */
export function checkStoreFile(path: string, mode: 'quick' | 'full' = 'full', access: FileAccess = {}): FileCheck {
  if (!existsSync(path)) return { ok: false, problem: 'the file does not exist', schemaVersion: null };
  let db: Db;
  try {
    db = openReadOnly(path, access);
  } catch (error) {
    return { ok: false, problem: String(error instanceof Error ? error.message : error), schemaVersion: null };
  }
  try {
    const result = mode === 'quick' ? quickCheck(db) : integrityCheck(db);
    if (!result.ok) return { ok: false, problem: result.problem, schemaVersion: null };
    const version = Number(db.pragma('user_version', { simple: true }));
    const hasOpLog = db.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'changeset'").get() !== undefined;
    if (!hasOpLog) return { ok: false, problem: 'it is not a Fieldwork data file', schemaVersion: version };
    return { ok: true, problem: null, schemaVersion: version };
  } catch (error) {
    return { ok: false, problem: String(error instanceof Error ? error.message : error), schemaVersion: null };
  } finally {
    db.close();
  }
}

export interface SalvagedChangeset extends ChangesetRecord {
  readonly receivedAt: string;
}

export interface Salvage {
  readonly changesets: readonly SalvagedChangeset[];
  /** Row ids the indexes name but whose row could not be read. */
  readonly unreadableRows: number;
}

interface SalvagedRow extends ChangesetRow {
  received_at: string;
}

const MAX_PROBED_ROWID = 10_000_000;

const COLUMNS = 'rowid AS rid, id, inspection_id, author, seq, prev, body, signature, local, received_at';

/** Collects rowids from a query that may die part-way through a damaged page. */
function collectRowIds(db: Db, sql: string, into: Set<number>): void {
  try {
    for (const row of db.prepare<[], { rid: number }>(sql).iterate()) into.add(row.rid);
  } catch {
    // The rest of this path is unreadable; other paths (indexes, probing) may still reach the rows.
  }
}

function tryMaxRowId(db: Db): number {
  try {
    return oneRow(db.prepare<[], { m: number | null }>('SELECT max(rowid) AS m FROM changeset').get()).m ?? 0;
  } catch {
    return 0;
  }
}

/**
 * Every changeset row that can still be read from a (possibly damaged) store, row by row.
 * Rowids come from the table scan, both indexes and probing up to the largest known rowid,
 * so rows behind a broken page are still reached through another path.
 */
export function salvageChangesets(path: string, access: FileAccess = {}): Salvage {
  const db = openReadOnly(path, access);
  try {
    const rowIds = new Set<number>();
    collectRowIds(db, 'SELECT rowid AS rid FROM changeset', rowIds);
    collectRowIds(db, 'SELECT rowid AS rid FROM changeset INDEXED BY changeset_by_author_seq', rowIds);
    collectRowIds(db, 'SELECT rowid AS rid FROM changeset INDEXED BY sqlite_autoindex_changeset_1 ORDER BY id', rowIds);
    // Probe every rowid up to the table's own largest; a garbage rowid read from a broken index
    // page is tried on its own but never widens the probe range.
    const top = Math.min(Math.max(tryMaxRowId(db), 0), MAX_PROBED_ROWID);
    for (let rid = 1; rid <= top; rid += 1) rowIds.add(rid);
    const statement = db.prepare<[number], SalvagedRow>(`SELECT ${COLUMNS} FROM changeset WHERE rowid = ?`);
    const changesets: SalvagedChangeset[] = [];
    let unreadableRows = 0;
    for (const rid of [...rowIds].sort((a, b) => a - b)) {
      try {
        const row = statement.get(rid);
        if (!row) continue;
        changesets.push({
          ...toChangeset(row),
          body: Buffer.from(row.body),
          signature: Buffer.from(row.signature),
          receivedAt: row.received_at,
        });
      } catch {
        unreadableRows += 1;
      }
    }
    return { changesets, unreadableRows };
  } finally {
    db.close();
  }
}

/** Counts the readable changesets without keeping their bytes (for the recovery screen). */
export function countSalvageable(path: string, access: FileAccess = {}): number | null {
  try {
    return salvageChangesets(path, access).changesets.length;
  } catch {
    return null;
  }
}

/** Every readable row of each synced table (a table whose pages are broken yields what it can). */
export function salvageSyncedRows(path: string, access: FileAccess = {}): Record<string, unknown[]> {
  const db = openReadOnly(path, access);
  try {
    const out: Record<string, unknown[]> = {};
    for (const table of Object.keys(SYNCED_TABLES)) {
      const rows: unknown[] = [];
      try {
        for (const row of db.prepare(`SELECT * FROM ${ident(table)}`).iterate()) rows.push(row);
      } catch {
        // Keep the rows read before the damaged page.
      }
      out[table] = rows;
    }
    return out;
  } finally {
    db.close();
  }
}

/** Every open note draft still readable in a (possibly damaged) store: typed, never sealed. */
export function salvageDrafts(path: string, access: FileAccess = {}): DraftRow[] {
  const db = openReadOnly(path, access);
  try {
    return readAllDraftsTolerantly(db);
  } finally {
    db.close();
  }
}
