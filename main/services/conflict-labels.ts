/**
 * Plain-words names for what conflict review shows: the kind of record, the field, and a
 * field's value (vocabulary labels for codes), so the lead never has to read raw codes.
 */
import { canonicalJson, type OpValue } from '../../shared/sync/op.js';
import { DELETED_FIELD, fieldKind, type SyncedTableName } from '../../shared/sync/tables.js';
import {
  AGENCIES,
  AGREEMENT,
  CASE_STATUSES,
  FINDING_KINDS,
  FINDING_STATUSES,
  GRADES,
  INSPECTION_STATUSES,
  INSPECTION_TYPES,
  INSPECTORATES,
  POLARITIES,
  ROLES,
  SOURCES,
  SPECIALISMS,
  STAGES,
} from '../../shared/domain/vocabulary.js';

export const RECORD_KINDS: Readonly<Record<SyncedTableName, string>> = {
  inspection: 'Inspection',
  team_member: 'Team member',
  sample_run: 'Sample',
  sampled_case: 'Case',
  evidence_note: 'Evidence note',
  finding: 'Finding',
  finding_evidence: 'Evidence linked to a finding',
  escalation: 'Escalation',
  accuracy_comment: 'Factual-accuracy comment',
};

const FIELD_LABELS: Readonly<Record<string, string>> = {
  [DELETED_FIELD]: 'Deletion',
  text: 'Note text',
  statement: 'Statement',
  case_ref: 'Case reference',
  case_id: 'Case',
  la_code: 'Local authority code',
  local_authority: 'Local authority',
  la_audit_grade: 'Local authority audit grade',
  la_response: 'Local authority response',
  inspector_grade: 'Inspector’s grade',
  audit_agreement: 'Agreement with the audit',
  allocated_to: 'Allocated to',
  fieldwork_start: 'Fieldwork starts',
  fieldwork_end: 'Fieldwork ends',
  review_start: 'Period under review starts',
  review_end: 'Period under review ends',
  signing_key: 'Device signing key',
  box_key: 'Device encryption key',
  finding_id: 'Finding',
  note_id: 'Evidence note',
  status_reason: 'Reason for the status',
  police_needed: 'Police needed',
  kind: 'Kind of finding',
};

export function fieldLabel(field: string): string {
  const known = FIELD_LABELS[field];
  if (known) return known;
  const words = field.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}

type Vocabulary = Readonly<Record<string, string>>;

/** Vocabulary per field name; `status` depends on the table. */
function vocabularyFor(table: SyncedTableName, field: string): Vocabulary | null {
  switch (field) {
    case 'status':
      if (table === 'finding') return FINDING_STATUSES;
      if (table === 'sampled_case') return CASE_STATUSES;
      if (table === 'inspection') return INSPECTION_STATUSES;
      return null;
    case 'type':
      return INSPECTION_TYPES;
    case 'inspectorate':
    case 'inspectorates':
      return INSPECTORATES;
    case 'role':
      return ROLES;
    case 'specialism':
      return SPECIALISMS;
    case 'stage':
      return STAGES;
    case 'agency':
    case 'agencies':
      return AGENCIES;
    case 'source':
      return SOURCES;
    case 'polarity':
      return POLARITIES;
    case 'kind':
      return table === 'finding' ? FINDING_KINDS : null;
    case 'la_audit_grade':
    case 'inspector_grade':
      return GRADES;
    case 'audit_agreement':
      return AGREEMENT;
    default:
      return null;
  }
}

/** A value in plain words. Unknown codes are shown as they are rather than hidden. */
export function displayValue(table: SyncedTableName, field: string, value: OpValue): string {
  if (field === DELETED_FIELD) return value === true ? 'Deleted' : 'Kept (restored)';
  if (value === null) return '(empty)';
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (typeof value === 'number') return String(value);
  const vocabulary = vocabularyFor(table, field);
  const label = (code: string): string => vocabulary?.[code] ?? code;
  if (typeof value === 'string') return value === '' ? '(empty)' : label(value);
  if (Array.isArray(value)) return value.length === 0 ? '(none)' : value.map(label).join(', ');
  return canonicalJson(value);
}

/** Text fields people type freely; other text fields hold codes, dates or ids. */
const FREE_TEXT_FIELDS: ReadonlySet<string> = new Set([
  'text',
  'statement',
  'status_reason',
  'selection_reason',
  'removal_reason',
  'agreement_reason',
  'concern',
  'la_response',
  'name',
  'local_authority',
  'theme',
]);

export function isFreeText(table: SyncedTableName, field: string): boolean {
  return FREE_TEXT_FIELDS.has(field) && fieldKind(table, field) === 'text';
}

/** A short excerpt of free text for naming a record. */
export function excerpt(text: string | null | undefined, max = 80): string {
  const flat = (text ?? '').replace(/\s+/g, ' ').trim();
  if (flat === '') return '(no text)';
  return flat.length > max ? `${flat.slice(0, max - 1).trimEnd()}…` : flat;
}
