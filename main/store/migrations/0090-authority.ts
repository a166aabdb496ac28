/**
 * 0090: the authority model (docs/authority.md). Local-only tables, never synced: every
 * laptop derives the same verdicts from the same ops.
 * - inspection_root: the key that created the inspection, the root of trust.
 * - op_verdict: ops kept in the log that do not take effect ('refused', with the sentence
 *   saying who tried what), ops waiting for the lead ('held': they would widen the audience),
 *   and held ops the lead confirmed ('confirmed', which take effect).
 */
export const migration0090 = `
CREATE TABLE inspection_root (
  inspection_id TEXT PRIMARY KEY,
  root_key TEXT NOT NULL
) STRICT;

CREATE TABLE op_verdict (
  op_id TEXT PRIMARY KEY,
  inspection_id TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('refused', 'held', 'confirmed')),
  rule TEXT NOT NULL,
  member TEXT NOT NULL,
  change TEXT NOT NULL,
  message TEXT NOT NULL,
  decided_at TEXT NOT NULL
) STRICT;
CREATE INDEX op_verdict_by_inspection ON op_verdict(inspection_id, kind);
`;
