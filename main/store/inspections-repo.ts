/** Reads of inspections and their team rosters. Writes go through the op log (main/sync). */
import type { Db, NamedParams } from './connection.js';
import { cached } from './statement-cache.js';

export interface InspectionRow {
  id: string;
  type: string | null;
  local_authority: string | null;
  la_code: string | null;
  theme: string | null;
  fieldwork_start: string | null;
  fieldwork_end: string | null;
  review_start: string | null;
  review_end: string | null;
  inspectorates: string | null;
  status: string | null;
  conflict_count: number;
  open_escalations: number;
  my_role: string | null;
}

const INSPECTION_SELECT = `
  SELECT i.id, i.type, i.local_authority, i.la_code, i.theme, i.fieldwork_start, i.fieldwork_end,
         i.review_start, i.review_end, i.inspectorates, i.status,
         (SELECT count(*) FROM conflict c WHERE c.inspection_id = i.id) AS conflict_count,
         (SELECT count(*) FROM escalation e WHERE e.inspection_id = i.id AND e.closed_at IS NULL AND e.concern IS NOT NULL) AS open_escalations,
         (SELECT m.role FROM team_member m WHERE m.inspection_id = i.id AND m.signing_key = @me AND m.deleted = 0 LIMIT 1) AS my_role
  FROM inspection i`;

export function listInspections(db: Db, me: string): InspectionRow[] {
  return db
    .prepare<NamedParams, InspectionRow>(
      `${INSPECTION_SELECT} WHERE i.deleted = 0 AND i.type IS NOT NULL ORDER BY i.fieldwork_start DESC, i.id`,
    )
    .all({ me });
}

export function getInspection(db: Db, id: string, me: string): InspectionRow | null {
  const row = cached<NamedParams, InspectionRow>(db, `${INSPECTION_SELECT} WHERE i.id = @id AND i.deleted = 0`).get({ id, me });
  return row ?? null;
}

export interface TeamMemberRow {
  id: string;
  inspection_id: string;
  name: string | null;
  inspectorate: string | null;
  role: string | null;
  specialism: string | null;
  signing_key: string | null;
  box_key: string | null;
}

const MEMBER_COLUMNS = 'id, inspection_id, name, inspectorate, role, specialism, signing_key, box_key';

export function listTeam(db: Db, inspectionId: string): TeamMemberRow[] {
  return db
    .prepare<[string], TeamMemberRow>(
      `SELECT ${MEMBER_COLUMNS} FROM team_member WHERE inspection_id = ? AND deleted = 0 ORDER BY role = 'lead' DESC, name, id`,
    )
    .all(inspectionId);
}

export function getTeamMember(db: Db, id: string): TeamMemberRow | null {
  const row = cached<[string], TeamMemberRow>(db, `SELECT ${MEMBER_COLUMNS} FROM team_member WHERE id = ? AND deleted = 0`).get(
    id,
  );
  return row ?? null;
}

export function readInspectionSummary(db: Db, inspectionId: string): string | null {
  const row = cached<[string], { letter_summary: string | null }>(db, 'SELECT letter_summary FROM inspection WHERE id = ?').get(
    inspectionId,
  );
  return row?.letter_summary ?? null;
}
