/**
 * 0120: the letter in the published shape and its factual-accuracy round: whom it is addressed
 * to and when the statement of action is due (set by the lead with the inspection), and the
 * area's accuracy comments against letter passages with the lead's response to each.
 */
export const migration0120 = `
ALTER TABLE inspection ADD COLUMN letter_addressees TEXT;
ALTER TABLE inspection ADD COLUMN letter_action_deadline TEXT;

CREATE TABLE accuracy_comment (
  id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  deleted INTEGER NOT NULL DEFAULT 0,
  updated_hlc TEXT NOT NULL DEFAULT '',
  passage TEXT, comment TEXT, raised_by TEXT, response TEXT, decision TEXT,
  letter_version TEXT, created_at TEXT, responded_at TEXT
) STRICT;
CREATE INDEX accuracy_comment_by_inspection ON accuracy_comment(inspection_id);
`;
