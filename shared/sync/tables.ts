/**
 * The registry of synced tables: which fields an op may write and how each is stored.
 * Incoming ops are checked against it, so a hostile bundle cannot name another table or
 * column. The store's migrations create exactly these columns.
 */

export type FieldKind = 'text' | 'int' | 'bool' | 'json';

export interface SyncedTable {
  readonly fields: Readonly<Record<string, FieldKind>>;
  /** Text fields indexed for full-text search. */
  readonly searchable?: readonly string[];
  /** Escalations are add-only: no op may delete one. */
  readonly deletable: boolean;
}

export const SYNCED_TABLES = {
  inspection: {
    deletable: true,
    fields: {
      type: 'text',
      local_authority: 'text',
      la_code: 'text',
      theme: 'text',
      fieldwork_start: 'text',
      fieldwork_end: 'text',
      review_start: 'text',
      review_end: 'text',
      inspectorates: 'json',
      status: 'text',
      letter_summary: 'text',
      letter_addressees: 'json',
      letter_action_deadline: 'text',
    },
  },
  accuracy_comment: {
    deletable: true,
    fields: {
      passage: 'text',
      comment: 'text',
      raised_by: 'text',
      response: 'text',
      decision: 'text',
      letter_version: 'text',
      created_at: 'text',
      responded_at: 'text',
    },
  },
  team_member: {
    deletable: true,
    fields: {
      name: 'text',
      inspectorate: 'text',
      role: 'text',
      specialism: 'text',
      signing_key: 'text',
      box_key: 'text',
    },
  },
  sample_run: {
    deletable: false,
    fields: { seed: 'text', criteria: 'json', source_hash: 'text', drawn_at: 'text', drawn_by: 'text', case_count: 'int' },
  },
  sampled_case: {
    deletable: true,
    fields: {
      case_ref: 'text',
      age_band: 'text',
      stage: 'text',
      legal_status: 'text',
      agencies: 'json',
      flags: 'json',
      sampling_method: 'text',
      sample_run_id: 'text',
      stratum: 'text',
      selection_reason: 'text',
      removed: 'bool',
      removal_reason: 'text',
      allocated_to: 'text',
      status: 'text',
      la_audit_grade: 'text',
      inspector_grade: 'text',
      audit_agreement: 'text',
      agreement_reason: 'text',
      prompts: 'json',
    },
  },
  evidence_note: {
    deletable: true,
    searchable: ['text'],
    fields: {
      text: 'text',
      source: 'text',
      agency: 'text',
      themes: 'json',
      polarity: 'text',
      case_id: 'text',
      author: 'text',
      created_at: 'text',
    },
  },
  finding: {
    deletable: true,
    searchable: ['statement'],
    fields: {
      kind: 'text',
      statement: 'text',
      agencies: 'json',
      theme: 'text',
      status: 'text',
      status_reason: 'text',
      author: 'text',
      created_at: 'text',
      edit_reason: 'text',
      merged_into: 'text',
    },
  },
  finding_evidence: {
    deletable: true,
    fields: { finding_id: 'text', note_id: 'text' },
  },
  escalation: {
    deletable: false,
    fields: {
      case_id: 'text',
      concern: 'text',
      identified_by: 'text',
      identified_at: 'text',
      lead_told_at: 'text',
      area_told_at: 'text',
      police_needed: 'bool',
      police_told_at: 'text',
      la_response: 'text',
      closed_at: 'text',
      closed_by: 'text',
    },
  },
} as const satisfies Record<string, SyncedTable>;

export type SyncedTableName = keyof typeof SYNCED_TABLES;
export const DELETED_FIELD = '_deleted';

export function isSyncedTable(name: string): name is SyncedTableName {
  return Object.prototype.hasOwnProperty.call(SYNCED_TABLES, name);
}

export function fieldKind(table: SyncedTableName, field: string): FieldKind | 'deleted' | null {
  const spec: SyncedTable = SYNCED_TABLES[table];
  if (field === DELETED_FIELD) return spec.deletable ? 'deleted' : null;
  return Object.prototype.hasOwnProperty.call(spec.fields, field) ? (spec.fields[field] as FieldKind) : null;
}
