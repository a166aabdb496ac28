/**
 * 0180: the authority epoch. A local save is judged against the ops that shape authority (the
 * roster, finding statuses, raises, evidence links: authority-repo.ts), and reading them back
 * was a third of a note's first save (0.7 of 2-3 ms). They are now read once and kept per
 * connection while `authority_epoch.n` is unchanged.
 *
 * Every insert, change or deletion of an op of those tables, and of any verdict, gives the
 * epoch a new random value, in the same statement (so on every path: local writes, the batched
 * import, recovery, purge). Random, not a count: a transaction rolled back takes its epoch with
 * it, and a count would then reach the same number again for a different history; a random
 * value is never met again (one in 2^64: eight random bytes, kept as hex text).
 */
export const migration0180 = `
CREATE TABLE authority_epoch (n TEXT NOT NULL) STRICT;
INSERT INTO authority_epoch(n) VALUES (hex(randomblob(8)));
CREATE TRIGGER op_authority_ai AFTER INSERT ON op
  WHEN new.tbl IN ('team_member', 'finding', 'escalation', 'finding_evidence') BEGIN
  UPDATE authority_epoch SET n = hex(randomblob(8));
END;
CREATE TRIGGER op_authority_ad AFTER DELETE ON op
  WHEN old.tbl IN ('team_member', 'finding', 'escalation', 'finding_evidence') BEGIN
  UPDATE authority_epoch SET n = hex(randomblob(8));
END;
CREATE TRIGGER op_authority_au AFTER UPDATE ON op BEGIN
  UPDATE authority_epoch SET n = hex(randomblob(8));
END;
CREATE TRIGGER op_verdict_ai AFTER INSERT ON op_verdict BEGIN
  UPDATE authority_epoch SET n = hex(randomblob(8));
END;
CREATE TRIGGER op_verdict_ad AFTER DELETE ON op_verdict BEGIN
  UPDATE authority_epoch SET n = hex(randomblob(8));
END;
CREATE TRIGGER op_verdict_au AFTER UPDATE ON op_verdict BEGIN
  UPDATE authority_epoch SET n = hex(randomblob(8));
END;
`;
