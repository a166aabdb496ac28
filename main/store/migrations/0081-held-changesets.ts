/**
 * 0081: changesets whose add-only safety records (escalations) were applied while the rest of
 * their bundle is held for the lead's confirmation (main/sync/import-bundle.ts). Such a
 * changeset is not "known": the full bundle, once confirmed, applies the rest of it.
 */
export const migration0081 = `
CREATE TABLE held_changeset (
  id TEXT PRIMARY KEY REFERENCES changeset(id)
) STRICT;
`;
