/**
 * The one rule for what a sampled case's facts are on this laptop, used by every read that
 * shows or exports a case (the case list and case screens, coverage, the evidence log, the
 * case sample CSV).
 *
 * The case list is local (only the laptop that imported it holds it), so a case an inspector
 * adds by hand on a laptop without the list arrives with no stage, age band or legal status.
 * Wherever the synced row lacks a fact, the newest imported list of the inspection supplies it
 * by case reference (ignoring case and surrounding space), and the case counts as on the list if
 * it was drawn from one, matches a row of the list here, or was added from the list elsewhere.
 * `on_list` is 1, 0, or NULL when this laptop cannot tell (no list here, no word from elsewhere).
 */
import { ident } from './sql-ident.js';

const LATEST_LIST = `(SELECT i.id FROM case_list_import i WHERE i.inspection_id = s.inspection_id
                      ORDER BY i.imported_at DESC, i.rowid DESC LIMIT 1)`;

const emptyJsonSql = (column: 'agencies' | 'flags') => `(s.${ident(column)} IS NULL OR s.${ident(column)} = '[]')`;

const FACTS = `
  SELECT s.id, s.inspection_id, s.deleted, s.case_ref,
         coalesce(s.age_band, l.age_band) AS age_band,
         coalesce(s.stage, l.stage) AS stage,
         coalesce(s.legal_status, l.legal_status) AS legal_status,
         CASE WHEN ${emptyJsonSql('agencies')} AND l.agencies IS NOT NULL THEN l.agencies ELSE s.agencies END AS agencies,
         CASE WHEN ${emptyJsonSql('flags')} AND l.flags IS NOT NULL THEN l.flags ELSE s.flags END AS flags,
         s.sampling_method, s.sample_run_id, s.stratum, s.selection_reason, s.removed, s.removal_reason,
         s.allocated_to, s.status, s.la_audit_grade, s.inspector_grade, s.audit_agreement, s.agreement_reason,
         s.prompts,
         CASE WHEN s.sample_run_id IS NOT NULL OR s.sampling_method = 'random' THEN 1
              WHEN l.case_ref IS NOT NULL THEN 1
              WHEN s.stratum = 'Added by hand from the list' THEN 1
              WHEN EXISTS (SELECT 1 FROM case_list_import i WHERE i.inspection_id = s.inspection_id) THEN 0
              WHEN s.stratum = 'Added by hand (not on the list)' THEN 0
              ELSE NULL END AS on_list
  FROM sampled_case s
  LEFT JOIN case_list_row l ON l.import_id = ${LATEST_LIST} AND upper(trim(l.case_ref)) = upper(trim(s.case_ref))`;

/** The stratum shown for a case: a hand-added one says whether it is on the list, by the rule above. */
export const STRATUM_LABEL = `CASE WHEN f.sampling_method = 'manual' THEN
    CASE f.on_list WHEN 1 THEN 'Added by hand from the list' WHEN 0 THEN 'Added by hand (not on the list)' ELSE 'Added by hand' END
  ELSE f.stratum END`;

/**
 * Use in place of `sampled_case`: `FROM ${SAMPLED_CASE_FACTS} c`. It has every column of
 * sampled_case a read needs, with the list's facts filled in, the stratum label and `on_list`.
 */
export const SAMPLED_CASE_FACTS = `(SELECT f.id, f.inspection_id, f.deleted, f.case_ref, f.age_band, f.stage, f.legal_status,
     f.agencies, f.flags, f.sampling_method, f.sample_run_id, ${STRATUM_LABEL} AS stratum, f.selection_reason,
     f.removed, f.removal_reason, f.allocated_to, f.status, f.la_audit_grade, f.inspector_grade, f.audit_agreement,
     f.agreement_reason, f.prompts, f.on_list
   FROM (${FACTS}) f)`;
