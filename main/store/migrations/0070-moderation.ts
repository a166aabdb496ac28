/** 0070: moderation and the letter: why an agreed finding was edited, merges of duplicates, the lead's summary. */
export const migration0070 = `
ALTER TABLE finding ADD COLUMN edit_reason TEXT;
ALTER TABLE finding ADD COLUMN merged_into TEXT;
ALTER TABLE inspection ADD COLUMN letter_summary TEXT;
`;
