/** Counts for the coverage dashboard. Removed and deleted cases, deleted notes and withdrawn findings do not count. */
import { SAMPLED_CASE_FACTS } from './case-facts.js';
import type { Db } from './connection.js';

export function countCasesByStageStatus(db: Db, inspectionId: string): { stage: string | null; status: string; count: number }[] {
  return db
    .prepare<[string], { stage: string | null; status: string; count: number }>(
      `SELECT stage, coalesce(status, 'not_started') AS status, count(*) AS count FROM ${SAMPLED_CASE_FACTS} c
       WHERE inspection_id = ? AND deleted = 0 AND coalesce(removed, 0) = 0 AND case_ref IS NOT NULL
       GROUP BY stage, coalesce(status, 'not_started') ORDER BY stage, status`,
    )
    .all(inspectionId);
}

export function countNotesByThemeAgency(db: Db, inspectionId: string): { theme: string; agency: string | null; count: number }[] {
  return db
    .prepare<[string], { theme: string; agency: string | null; count: number }>(
      `SELECT t.value AS theme, n.agency, count(*) AS count
       FROM evidence_note n, json_each(n.themes) t
       WHERE n.inspection_id = ? AND n.deleted = 0 AND n.text IS NOT NULL AND t.type = 'text'
       GROUP BY t.value, n.agency ORDER BY t.value, n.agency`,
    )
    .all(inspectionId);
}

export function countFindingsByKindAgency(db: Db, inspectionId: string): { kind: string; agency: string; count: number }[] {
  return db
    .prepare<[string], { kind: string; agency: string; count: number }>(
      `SELECT f.kind, a.value AS agency, count(*) AS count
       FROM finding f, json_each(f.agencies) a
       WHERE f.inspection_id = ? AND f.deleted = 0 AND coalesce(f.status, 'draft') <> 'withdrawn' AND f.kind IS NOT NULL
       GROUP BY f.kind, a.value ORDER BY f.kind, a.value`,
    )
    .all(inspectionId);
}

/** One row per (theme, note): the evidence behind each theme, for triangulating it. */
export function listThemeEvidence(
  db: Db,
  inspectionId: string,
): { theme: string; case_id: string | null; source: string | null; agency: string | null; author: string | null }[] {
  return db
    .prepare<
      [string],
      { theme: string; case_id: string | null; source: string | null; agency: string | null; author: string | null }
    >(
      `SELECT t.value AS theme, n.case_id, n.source, n.agency, n.author
       FROM evidence_note n, json_each(n.themes) t
       WHERE n.inspection_id = ? AND n.deleted = 0 AND n.text IS NOT NULL AND t.type = 'text'`,
    )
    .all(inspectionId);
}

export function listFindingThemes(db: Db, inspectionId: string): string[] {
  return db
    .prepare<[string], { theme: string }>(
      `SELECT DISTINCT theme FROM finding WHERE inspection_id = ? AND deleted = 0 AND theme IS NOT NULL
         AND coalesce(status, 'draft') <> 'withdrawn' ORDER BY theme`,
    )
    .all(inspectionId)
    .map((r) => r.theme);
}
