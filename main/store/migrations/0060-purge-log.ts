/** 0060: the record that an inspection was purged. It holds no inspection content by design. */
export const migration0060 = `
CREATE TABLE purge_log (
  inspection_id TEXT PRIMARY KEY,
  purged_at TEXT NOT NULL,
  purged_by TEXT NOT NULL
) STRICT;
`;
