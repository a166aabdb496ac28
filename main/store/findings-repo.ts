/** Reads of findings and their evidence links. */
import type { Db, NamedParams } from './connection.js';

export interface FindingRow {
  id: string;
  inspection_id: string;
  kind: string | null;
  statement: string | null;
  agencies: string | null;
  theme: string | null;
  status: string | null;
  status_reason: string | null;
  author: string | null;
  created_at: string | null;
}

export interface FindingFilterParams {
  readonly kind?: string | undefined;
  readonly status?: string | undefined;
  readonly agency?: string | undefined;
  readonly theme?: string | undefined;
}

const COLUMNS =
  'f.id, f.inspection_id, f.kind, f.statement, f.agencies, f.theme, f.status, f.status_reason, f.author, f.created_at';

export function listFindings(db: Db, inspectionId: string, filters: FindingFilterParams): FindingRow[] {
  const parts: string[] = [];
  const params: Record<string, string> = { inspectionId };
  if (filters.kind) {
    parts.push('f.kind = @kind');
    params.kind = filters.kind;
  }
  if (filters.status) {
    parts.push('f.status = @status');
    params.status = filters.status;
  }
  if (filters.theme) {
    parts.push('f.theme = @theme');
    params.theme = filters.theme;
  }
  if (filters.agency) {
    parts.push('EXISTS (SELECT 1 FROM json_each(f.agencies) a WHERE a.value = @agency)');
    params.agency = filters.agency;
  }
  const filterSql = parts.map((p) => `AND ${p}`).join(' ');
  return db
    .prepare<NamedParams, FindingRow>(
      `SELECT ${COLUMNS} FROM finding f
       WHERE f.inspection_id = @inspectionId AND f.deleted = 0 AND f.statement IS NOT NULL
       ${filterSql}
       ORDER BY CASE f.kind WHEN 'priority_action' THEN 0 WHEN 'improvement' THEN 1 ELSE 2 END, f.created_at, f.id`,
    )
    .all(params);
}

export function getFinding(db: Db, id: string): FindingRow | null {
  return db.prepare<[string], FindingRow>(`SELECT ${COLUMNS} FROM finding f WHERE f.id = ? AND f.deleted = 0`).get(id) ?? null;
}

/** Live links whose note is also live, per finding of the inspection. */
export function listLinkedNoteIds(db: Db, inspectionId: string): { finding_id: string; note_id: string }[] {
  return db
    .prepare<[string], { finding_id: string; note_id: string }>(
      `SELECT fe.finding_id, fe.note_id FROM finding_evidence fe
       JOIN evidence_note n ON n.id = fe.note_id AND n.deleted = 0
       WHERE fe.inspection_id = ? AND fe.deleted = 0 AND fe.finding_id IS NOT NULL
       ORDER BY n.created_at, n.id`,
    )
    .all(inspectionId);
}

export function linkExists(db: Db, linkId: string): { deleted: number } | null {
  return db.prepare<[string], { deleted: number }>('SELECT deleted FROM finding_evidence WHERE id = ?').get(linkId) ?? null;
}
