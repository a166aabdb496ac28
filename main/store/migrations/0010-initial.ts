/**
 * 0010: the op log, the current-value tables it materialises, and local-only tables.
 * Synced tables carry no foreign keys on purpose: ops arrive in any order (a note can arrive
 * before its case), and the merge must accept any order. Local tables keep their keys.
 */
export const migration0010 = `
CREATE TABLE meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
) STRICT;

CREATE TABLE device (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  signing_public TEXT NOT NULL,
  box_public TEXT NOT NULL,
  created_at TEXT NOT NULL
) STRICT;

CREATE TABLE changeset (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  author TEXT NOT NULL,
  seq INTEGER NOT NULL,
  prev TEXT,
  body BLOB NOT NULL,
  signature BLOB NOT NULL,
  received_at TEXT NOT NULL,
  local INTEGER NOT NULL DEFAULT 0
) STRICT;
CREATE UNIQUE INDEX changeset_by_author_seq ON changeset(inspection_id, author, seq);

CREATE TABLE op (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  hlc TEXT NOT NULL,
  author TEXT NOT NULL,
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  field TEXT NOT NULL,
  value TEXT NOT NULL,
  deps TEXT NOT NULL,
  changeset_id TEXT NOT NULL REFERENCES changeset(id)
) STRICT;
CREATE INDEX op_by_field ON op(tbl, row_id, field);
CREATE INDEX op_by_inspection ON op(inspection_id, hlc);
CREATE INDEX op_by_changeset ON op(changeset_id);

CREATE TABLE op_superseded (
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  field TEXT NOT NULL,
  op_id TEXT NOT NULL,
  PRIMARY KEY (tbl, row_id, field, op_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE field_head (
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  field TEXT NOT NULL,
  op_id TEXT NOT NULL REFERENCES op(id),
  PRIMARY KEY (tbl, row_id, field, op_id)
) STRICT, WITHOUT ROWID;

CREATE TABLE conflict (
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  field TEXT NOT NULL,
  inspection_id TEXT NOT NULL,
  PRIMARY KEY (tbl, row_id, field)
) STRICT, WITHOUT ROWID;
CREATE INDEX conflict_by_inspection ON conflict(inspection_id);

CREATE TABLE inspection (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  updated_hlc TEXT NOT NULL DEFAULT '',
  type TEXT, local_authority TEXT, la_code TEXT, theme TEXT,
  fieldwork_start TEXT, fieldwork_end TEXT, review_start TEXT, review_end TEXT,
  inspectorates TEXT, status TEXT
) STRICT;

CREATE TABLE team_member (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  updated_hlc TEXT NOT NULL DEFAULT '',
  name TEXT, inspectorate TEXT, role TEXT, specialism TEXT, signing_key TEXT, box_key TEXT
) STRICT;
CREATE INDEX team_member_by_inspection ON team_member(inspection_id);
CREATE INDEX team_member_by_key ON team_member(signing_key);

CREATE TABLE sample_run (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  updated_hlc TEXT NOT NULL DEFAULT '',
  seed TEXT, criteria TEXT, source_hash TEXT, drawn_at TEXT, drawn_by TEXT, case_count INTEGER
) STRICT;
CREATE INDEX sample_run_by_inspection ON sample_run(inspection_id);

CREATE TABLE sampled_case (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  updated_hlc TEXT NOT NULL DEFAULT '',
  case_ref TEXT, age_band TEXT, stage TEXT, legal_status TEXT, agencies TEXT, flags TEXT,
  sampling_method TEXT, sample_run_id TEXT, stratum TEXT, selection_reason TEXT,
  removed INTEGER, removal_reason TEXT, allocated_to TEXT, status TEXT,
  la_audit_grade TEXT, inspector_grade TEXT, audit_agreement TEXT, agreement_reason TEXT, prompts TEXT
) STRICT;
CREATE INDEX sampled_case_by_inspection ON sampled_case(inspection_id, case_ref);

CREATE TABLE evidence_note (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  updated_hlc TEXT NOT NULL DEFAULT '',
  text TEXT, source TEXT, agency TEXT, themes TEXT, polarity TEXT, case_id TEXT, author TEXT, created_at TEXT
) STRICT;
CREATE INDEX evidence_note_by_inspection ON evidence_note(inspection_id, created_at);
CREATE INDEX evidence_note_by_case ON evidence_note(case_id);

CREATE TABLE finding (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  updated_hlc TEXT NOT NULL DEFAULT '',
  kind TEXT, statement TEXT, agencies TEXT, theme TEXT, status TEXT, status_reason TEXT, author TEXT, created_at TEXT
) STRICT;
CREATE INDEX finding_by_inspection ON finding(inspection_id);

CREATE TABLE finding_evidence (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  updated_hlc TEXT NOT NULL DEFAULT '',
  finding_id TEXT, note_id TEXT
) STRICT;
CREATE INDEX finding_evidence_by_finding ON finding_evidence(finding_id);
CREATE INDEX finding_evidence_by_note ON finding_evidence(note_id);

CREATE TABLE escalation (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  updated_hlc TEXT NOT NULL DEFAULT '',
  case_id TEXT, concern TEXT, identified_by TEXT, identified_at TEXT, lead_told_at TEXT,
  area_told_at TEXT, police_needed INTEGER, police_told_at TEXT, la_response TEXT, closed_at TEXT, closed_by TEXT
) STRICT;
CREATE INDEX escalation_by_inspection ON escalation(inspection_id);

CREATE TABLE search_doc (
  rowid INTEGER PRIMARY KEY,
  kind TEXT NOT NULL,
  row_id TEXT NOT NULL UNIQUE,
  inspection_id TEXT NOT NULL,
  text TEXT NOT NULL
) STRICT;
CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_doc', content_rowid='rowid', tokenize='unicode61 remove_diacritics 2');
CREATE TRIGGER search_doc_ai AFTER INSERT ON search_doc BEGIN
  INSERT INTO search_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER search_doc_ad AFTER DELETE ON search_doc BEGIN
  INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER search_doc_au AFTER UPDATE ON search_doc BEGIN
  INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  INSERT INTO search_fts(rowid, text) VALUES (new.rowid, new.text);
END;

CREATE TABLE case_list_import (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  file_name TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  mapping TEXT NOT NULL,
  row_count INTEGER NOT NULL,
  imported_at TEXT NOT NULL,
  imported_by TEXT NOT NULL
) STRICT;
CREATE INDEX case_list_import_by_inspection ON case_list_import(inspection_id);

CREATE TABLE case_list_row (
  import_id TEXT NOT NULL REFERENCES case_list_import(id) ON DELETE CASCADE,
  line INTEGER NOT NULL,
  case_ref TEXT NOT NULL,
  age_band TEXT,
  stage TEXT,
  legal_status TEXT,
  agencies TEXT NOT NULL,
  flags TEXT NOT NULL,
  PRIMARY KEY (import_id, case_ref)
) STRICT;

CREATE TABLE imported_bundle (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  file_name TEXT NOT NULL,
  exporter TEXT NOT NULL,
  imported_at TEXT NOT NULL,
  new_ops INTEGER NOT NULL,
  summary TEXT NOT NULL
) STRICT;
`;
