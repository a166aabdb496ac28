/** Reads of sampled cases, sample runs and who can be allocated cases. Writes go through the op log. */
import { SAMPLED_CASE_FACTS } from './case-facts.js';
import type { Db } from './connection.js';

export interface SampledCaseRow {
  readonly id: string;
  readonly inspection_id: string;
  readonly case_ref: string | null;
  readonly age_band: string | null;
  readonly stage: string | null;
  readonly legal_status: string | null;
  readonly agencies: string | null;
  readonly flags: string | null;
  readonly sampling_method: string | null;
  readonly sample_run_id: string | null;
  readonly stratum: string | null;
  readonly selection_reason: string | null;
  readonly removed: number | null;
  readonly removal_reason: string | null;
  readonly allocated_to: string | null;
  readonly allocated_to_name: string | null;
  readonly status: string | null;
  readonly la_audit_grade: string | null;
  readonly inspector_grade: string | null;
  readonly audit_agreement: string | null;
  readonly agreement_reason: string | null;
  readonly prompts: string | null;
  /** 1 on the lead's case list, 0 not, null when this laptop cannot tell (see case-facts.ts). */
  readonly on_list: number | null;
}

const CASE_SELECT = `
  SELECT c.id, c.inspection_id, c.case_ref, c.age_band, c.stage, c.legal_status, c.agencies, c.flags,
         c.sampling_method, c.sample_run_id, c.stratum, c.selection_reason, c.removed, c.removal_reason,
         c.allocated_to, m.name AS allocated_to_name, c.status, c.la_audit_grade, c.inspector_grade,
         c.audit_agreement, c.agreement_reason, c.prompts, c.on_list
  FROM ${SAMPLED_CASE_FACTS} c
  LEFT JOIN team_member m ON m.id = c.allocated_to AND m.deleted = 0`;

/** Every sampled case of an inspection, removed ones included (the UI filters them). */
export function listSampledCases(db: Db, inspectionId: string): SampledCaseRow[] {
  return db
    .prepare<[string], SampledCaseRow>(
      `${CASE_SELECT} WHERE c.inspection_id = ? AND c.deleted = 0 AND c.case_ref IS NOT NULL ORDER BY upper(c.case_ref), c.id`,
    )
    .all(inspectionId);
}

export function getSampledCase(db: Db, id: string): SampledCaseRow | null {
  const row = db
    .prepare<[string], SampledCaseRow>(`${CASE_SELECT} WHERE c.id = ? AND c.deleted = 0 AND c.case_ref IS NOT NULL`)
    .get(id);
  return row ?? null;
}

export interface SampleRunRow {
  readonly id: string;
  readonly seed: string | null;
  readonly criteria: string | null;
  readonly source_hash: string | null;
  readonly drawn_at: string | null;
  readonly drawn_by: string | null;
  readonly drawn_by_name: string | null;
  readonly case_count: number | null;
}

export function listSampleRuns(db: Db, inspectionId: string): SampleRunRow[] {
  return db
    .prepare<[string], SampleRunRow>(
      `SELECT r.id, r.seed, r.criteria, r.source_hash, r.drawn_at, r.drawn_by, r.case_count,
              (SELECT m.name FROM team_member m WHERE m.inspection_id = r.inspection_id AND m.signing_key = r.drawn_by
                 AND m.deleted = 0 LIMIT 1) AS drawn_by_name
       FROM sample_run r WHERE r.inspection_id = ? AND r.deleted = 0 AND r.seed IS NOT NULL
       ORDER BY r.drawn_at DESC, r.id DESC`,
    )
    .all(inspectionId);
}

export interface AllocatorRow {
  readonly id: string;
  readonly name: string | null;
  readonly role: string | null;
  readonly specialism: string | null;
  readonly load: number;
}

/** Team members who take cases (leads and team inspectors) with how many live cases they hold. */
export function listAllocators(db: Db, inspectionId: string): AllocatorRow[] {
  return db
    .prepare<[string], AllocatorRow>(
      `SELECT m.id, m.name, m.role, m.specialism,
              (SELECT count(*) FROM sampled_case c WHERE c.allocated_to = m.id AND c.deleted = 0
                 AND coalesce(c.removed, 0) = 0 AND c.case_ref IS NOT NULL) AS load
       FROM team_member m
       WHERE m.inspection_id = ? AND m.deleted = 0 AND m.role IN ('lead', 'inspector')
       ORDER BY m.name, m.id`,
    )
    .all(inspectionId);
}
