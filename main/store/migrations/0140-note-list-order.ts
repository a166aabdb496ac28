/**
 * 0140: the notes list is read a page at a time, newest first, by keyset on (created_at, id):
 * the inspection's index gains the id, so each page is one range seek with no sort, however
 * deep. It replaces 0010's (inspection_id, created_at) index, which it covers, so a note save
 * keeps the same number of indexes to write.
 */
export const migration0140 = `
DROP INDEX IF EXISTS evidence_note_by_inspection;
CREATE INDEX evidence_note_by_inspection_order ON evidence_note(inspection_id, created_at, id);
`;
