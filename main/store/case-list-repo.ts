/**
 * The imported case list: the sampling frame. Local only (it never enters the op log or a
 * bundle: data minimisation), so it is plain tables written in one transaction by the caller.
 */
import type { Db, ReadableDb } from './connection.js';

export interface CaseListImportRow {
  readonly id: string;
  readonly inspection_id: string;
  readonly file_name: string;
  readonly sha256: string;
  readonly mapping: string;
  readonly row_count: number;
  readonly imported_at: string;
  readonly imported_by: string;
}

export interface CaseListRowValues {
  readonly line: number;
  readonly caseRef: string;
  readonly ageBand: string | null;
  readonly stage: string | null;
  readonly legalStatus: string | null;
  readonly agencies: readonly string[];
  readonly flags: readonly string[];
}

interface StoredRow {
  line: number;
  case_ref: string;
  age_band: string | null;
  stage: string | null;
  legal_status: string | null;
  agencies: string;
  flags: string;
}

function parseStrings(json: string): string[] {
  try {
    const value: unknown = JSON.parse(json);
    return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  } catch {
    return [];
  }
}

function toValues(row: StoredRow): CaseListRowValues {
  return {
    line: row.line,
    caseRef: row.case_ref,
    ageBand: row.age_band,
    stage: row.stage,
    legalStatus: row.legal_status,
    agencies: parseStrings(row.agencies),
    flags: parseStrings(row.flags),
  };
}

/** Inserts the import and all its rows with one prepared statement; call inside a transaction. */
export function insertCaseList(
  db: Db,
  header: CaseListImportRow,
  rows: readonly CaseListRowValues[],
  onProgress: (done: number) => void = () => undefined,
): void {
  db.prepare(
    `INSERT INTO case_list_import(id, inspection_id, file_name, sha256, mapping, row_count, imported_at, imported_by)
     VALUES (@id, @inspection_id, @file_name, @sha256, @mapping, @row_count, @imported_at, @imported_by)`,
  ).run(header);
  const insert = db.prepare(
    `INSERT INTO case_list_row(import_id, line, case_ref, age_band, stage, legal_status, agencies, flags)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
  );
  rows.forEach((row, index) => {
    insert.run(
      header.id,
      row.line,
      row.caseRef,
      row.ageBand,
      row.stage,
      row.legalStatus,
      JSON.stringify(row.agencies),
      JSON.stringify(row.flags),
    );
    if ((index + 1) % 5_000 === 0) onProgress(index + 1);
  });
  onProgress(rows.length);
}

/** The newest import for an inspection: the current sampling frame. */
export function latestCaseList(db: ReadableDb, inspectionId: string): CaseListImportRow | null {
  const row = db
    .prepare<[string], CaseListImportRow>(
      'SELECT * FROM case_list_import WHERE inspection_id = ? ORDER BY imported_at DESC, rowid DESC LIMIT 1',
    )
    .get(inspectionId);
  return row ?? null;
}

export function listCaseListRows(db: ReadableDb, importId: string): CaseListRowValues[] {
  return db
    .prepare<[string], StoredRow>(
      'SELECT line, case_ref, age_band, stage, legal_status, agencies, flags FROM case_list_row WHERE import_id = ? ORDER BY line',
    )
    .all(importId)
    .map(toValues);
}

/** A row by case reference, ignoring case and surrounding space. */
export function findCaseListRow(db: ReadableDb, importId: string, caseRef: string): CaseListRowValues | null {
  const row = db
    .prepare<[string, string], StoredRow>(
      `SELECT line, case_ref, age_band, stage, legal_status, agencies, flags FROM case_list_row
       WHERE import_id = ? AND upper(trim(case_ref)) = upper(trim(?)) LIMIT 1`,
    )
    .get(importId, caseRef);
  return row ? toValues(row) : null;
}
