/** Reads of escalations. Escalations are add-only: there is no delete and no hiding. */
import type { Db } from './connection.js';

export interface EscalationRow {
  id: string;
  inspection_id: string;
  case_id: string | null;
  case_ref: string | null;
  concern: string | null;
  identified_by: string | null;
  identified_at: string | null;
  lead_told_at: string | null;
  area_told_at: string | null;
  police_needed: number | null;
  police_told_at: string | null;
  la_response: string | null;
  closed_at: string | null;
  closed_by: string | null;
}

const SELECT = `
  SELECT e.id, e.inspection_id, e.case_id, c.case_ref, e.concern, e.identified_by, e.identified_at, e.lead_told_at,
         e.area_told_at, e.police_needed, e.police_told_at, e.la_response, e.closed_at, e.closed_by
  FROM escalation e LEFT JOIN sampled_case c ON c.id = e.case_id`;

/** Open first, then newest. A merged escalation with only some fields still shows. */
export function listEscalations(db: Db, inspectionId: string, openOnly: boolean): EscalationRow[] {
  return db
    .prepare<[string], EscalationRow>(
      `${SELECT} WHERE e.inspection_id = ? ${openOnly ? 'AND e.closed_at IS NULL' : ''}
       ORDER BY e.closed_at IS NOT NULL, e.identified_at DESC, e.id`,
    )
    .all(inspectionId);
}

export function getEscalation(db: Db, id: string): EscalationRow | null {
  return db.prepare<[string], EscalationRow>(`${SELECT} WHERE e.id = ?`).get(id) ?? null;
}
