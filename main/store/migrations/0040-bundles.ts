/**
 * 0040: what each peer has acknowledged holding, so a delta export skips it. A peer's
 * acknowledgement is the `holds` map of a bundle it exported and we imported: per author,
 * the highest changeset seq its store held. Overlap is harmless; a gap is caught on import.
 */
export const migration0040 = `
CREATE TABLE bundle_ack (
  inspection_id TEXT NOT NULL,
  peer TEXT NOT NULL,
  author TEXT NOT NULL,
  seq INTEGER NOT NULL,
  PRIMARY KEY (inspection_id, peer, author)
) STRICT, WITHOUT ROWID;

CREATE INDEX imported_bundle_by_inspection ON imported_bundle(inspection_id, imported_at);
`;
