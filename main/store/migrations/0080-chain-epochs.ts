/**
 * 0080: chain epochs (docs/sync-chains.md). A changeset belongs to the chain (author, epoch);
 * '' is a device's first epoch, and every existing changeset is in it. The unique index keeps
 * its name (salvage reads through it) and now allows the same seq once per epoch.
 */
export const migration0080 = `
ALTER TABLE changeset ADD COLUMN epoch TEXT NOT NULL DEFAULT '';
DROP INDEX changeset_by_author_seq;
CREATE UNIQUE INDEX changeset_by_author_seq ON changeset(inspection_id, author, epoch, seq);
`;
