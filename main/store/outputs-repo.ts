/** Reads behind the lead's outputs: the evidence log, the case sample summary and the letter. */
import { SAMPLED_CASE_FACTS } from './case-facts.js';
import type { Db } from './connection.js';
import { oneRow } from './one-row.js';

export interface EvidenceLogRow {
  id: string;
  created_at: string | null;
  case_ref: string | null;
  case_stage: string | null;
  case_on_list: number | null;
  source: string | null;
  agency: string | null;
  themes: string | null;
  polarity: string | null;
  author_name: string | null;
  author: string | null;
  text: string | null;
  finding_statements: string | null;
}

export function evidenceLogRows(db: Db, inspectionId: string): EvidenceLogRow[] {
  return db
    .prepare<[string], EvidenceLogRow>(
      `SELECT n.id, n.created_at, c.case_ref, c.stage AS case_stage, c.on_list AS case_on_list, n.source, n.agency, n.themes, n.polarity, n.author, n.text,
              (SELECT m.name FROM team_member m WHERE m.inspection_id = n.inspection_id AND m.signing_key = n.author AND m.deleted = 0 LIMIT 1) AS author_name,
              (SELECT json_group_array(f.statement) FROM finding_evidence fe
                 JOIN finding f ON f.id = fe.finding_id AND f.deleted = 0
                   AND COALESCE(f.status, '') <> 'withdrawn' AND f.merged_into IS NULL
                WHERE fe.note_id = n.id AND fe.deleted = 0) AS finding_statements
       FROM evidence_note n
       LEFT JOIN ${SAMPLED_CASE_FACTS} c ON c.id = n.case_id AND c.deleted = 0
       WHERE n.inspection_id = ? AND n.deleted = 0 AND n.text IS NOT NULL
       ORDER BY n.created_at, n.id`,
    )
    .all(inspectionId);
}

export interface SampleSummaryRow {
  case_ref: string | null;
  stage: string | null;
  age_band: string | null;
  stratum: string | null;
  on_list: number | null;
  sampling_method: string | null;
  selection_reason: string | null;
  seed: string | null;
  source_hash: string | null;
  removed: number | null;
  removal_reason: string | null;
  status: string | null;
  inspector_name: string | null;
  inspector_grade: string | null;
  la_audit_grade: string | null;
  audit_agreement: string | null;
  agreement_reason: string | null;
}

export function sampleSummaryRows(db: Db, inspectionId: string): SampleSummaryRow[] {
  return db
    .prepare<[string], SampleSummaryRow>(
      `SELECT c.case_ref, c.stage, c.age_band, c.stratum, c.on_list, c.sampling_method, c.selection_reason, r.seed, r.source_hash,
              c.removed, c.removal_reason, c.status, m.name AS inspector_name, c.inspector_grade, c.la_audit_grade,
              c.audit_agreement, c.agreement_reason
       FROM ${SAMPLED_CASE_FACTS} c
       LEFT JOIN sample_run r ON r.id = c.sample_run_id
       LEFT JOIN team_member m ON m.id = c.allocated_to AND m.deleted = 0
       WHERE c.inspection_id = ? AND c.deleted = 0 AND c.case_ref IS NOT NULL
       ORDER BY c.case_ref`,
    )
    .all(inspectionId);
}

export interface LetterFindingRow {
  id: string;
  kind: string | null;
  statement: string | null;
  agencies: string | null;
  theme: string | null;
}

export function agreedFindings(db: Db, inspectionId: string): LetterFindingRow[] {
  return db
    .prepare<[string], LetterFindingRow>(
      `SELECT id, kind, statement, agencies, theme FROM finding
       WHERE inspection_id = ? AND deleted = 0 AND status = 'agreed' AND statement IS NOT NULL
       ORDER BY created_at, id`,
    )
    .all(inspectionId);
}

export interface LetterEvidenceRow {
  finding_id: string;
  case_ref: string | null;
  source: string | null;
  text: string;
}

/** The live notes behind each agreed finding (the evidence appendix). */
export function letterEvidence(db: Db, inspectionId: string): LetterEvidenceRow[] {
  return db
    .prepare<[string], LetterEvidenceRow>(
      `SELECT fe.finding_id, c.case_ref, n.source, n.text
       FROM finding_evidence fe
       JOIN evidence_note n ON n.id = fe.note_id AND n.deleted = 0 AND n.text IS NOT NULL
       LEFT JOIN sampled_case c ON c.id = n.case_id AND c.deleted = 0
       WHERE fe.inspection_id = ? AND fe.deleted = 0
       ORDER BY n.created_at, n.id`,
    )
    .all(inspectionId);
}

/** What the sample says was looked at: children's experiences examined and area audits evaluated. */
export function sampleFacts(db: Db, inspectionId: string): { children: number; audited: number } {
  const row = db
    .prepare<[string], { children: number; audited: number }>(
      `SELECT count(*) AS children, count(la_audit_grade) AS audited FROM sampled_case
       WHERE inspection_id = ? AND deleted = 0 AND case_ref IS NOT NULL AND COALESCE(removed, 0) = 0`,
    )
    .get(inspectionId);
  return oneRow(row);
}

export interface LetterDetailsRow {
  letter_addressees: string | null;
  letter_action_deadline: string | null;
  lead_name: string | null;
  team_names: string | null;
}

export function letterDetails(db: Db, inspectionId: string): LetterDetailsRow {
  return (
    db
      .prepare<[string], LetterDetailsRow>(
        `SELECT i.letter_addressees, i.letter_action_deadline,
              (SELECT m.name FROM team_member m WHERE m.inspection_id = i.id AND m.deleted = 0 AND m.role = 'lead' LIMIT 1) AS lead_name,
              (SELECT json_group_array(m.name) FROM team_member m
                WHERE m.inspection_id = i.id AND m.deleted = 0 AND m.role IN ('lead', 'inspector') AND m.name IS NOT NULL) AS team_names
       FROM inspection i WHERE i.id = ?`,
      )
      .get(inspectionId) ?? {
      letter_addressees: null,
      letter_action_deadline: null,
      lead_name: null,
      team_names: null,
    }
  );
}

export interface AccuracyCommentRow {
  id: string;
  passage: string | null;
  comment: string | null;
  raised_by: string | null;
  response: string | null;
  decision: string | null;
  letter_version: string | null;
  created_at: string | null;
  responded_at: string | null;
}

export function accuracyComments(db: Db, inspectionId: string): AccuracyCommentRow[] {
  return db
    .prepare<[string], AccuracyCommentRow>(
      `SELECT id, passage, comment, raised_by, response, decision, letter_version, created_at, responded_at
       FROM accuracy_comment WHERE inspection_id = ? AND deleted = 0 AND comment IS NOT NULL
       ORDER BY created_at, id`,
    )
    .all(inspectionId);
}

export function accuracyComment(db: Db, id: string): (AccuracyCommentRow & { inspection_id: string }) | null {
  return (
    db
      .prepare<[string], AccuracyCommentRow & { inspection_id: string }>(
        `SELECT id, inspection_id, passage, comment, raised_by, response, decision, letter_version, created_at, responded_at
         FROM accuracy_comment WHERE id = ? AND deleted = 0`,
      )
      .get(id) ?? null
  );
}
