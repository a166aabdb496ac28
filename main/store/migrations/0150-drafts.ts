/**
 * 0150: open note drafts. An autosave writes the note's fields here (and into the note's
 * current-value row, so every read shows them) instead of a signed changeset each pause; the
 * draft is sealed into ONE changeset when the composer closes, after a quiet spell, before any
 * other write (an export, an import, a delete) and at quit or the next start.
 *
 * Local to this laptop: never exported, never merged; carried by backups (VACUUM INTO copies
 * it) and purged with its inspection. `deps` are the field's heads when the draft began: the op
 * sealed from it lists them, as the first autosave's op would have. `hlc` is the latest
 * autosave's timestamp: the sealed op is fully determined by the row (same id wherever it is
 * sealed, so a backup's copy of a draft sealed since is the same op). docs/sync-and-merge.md.
 */
export const migration0150 = `
CREATE TABLE draft_edit (
  tbl TEXT NOT NULL,
  row_id TEXT NOT NULL,
  field TEXT NOT NULL,
  inspection_id TEXT NOT NULL,
  value TEXT NOT NULL,
  deps TEXT NOT NULL,
  hlc TEXT NOT NULL,
  saved_at TEXT NOT NULL,
  PRIMARY KEY (tbl, row_id, field)
) STRICT, WITHOUT ROWID;
CREATE INDEX draft_edit_by_inspection ON draft_edit(inspection_id);
`;
