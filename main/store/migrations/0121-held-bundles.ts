/** 0121: a pulled bundle held back for the lead's decision (it deletes many records) is marked held, with who sent it. */
export const migration0121 = `
ALTER TABLE sync_pulled ADD COLUMN held INTEGER NOT NULL DEFAULT 0;
ALTER TABLE sync_pulled ADD COLUMN sender TEXT;
`;
