/**
 * SQL that takes a store made by today's code back to what an older release left, so a
 * migration can be tested on a store it has not met. Each undoes one migration; undo the newest
 * first. A migration added later needs its own undo here, and the tests that go back past it
 * run it first.
 */

/** Back to schema 170: no authority epoch (migration 0180). */
export const UNDO_0180 = `
DROP TRIGGER op_authority_ai; DROP TRIGGER op_authority_ad; DROP TRIGGER op_authority_au;
DROP TRIGGER op_verdict_ai; DROP TRIGGER op_verdict_ad; DROP TRIGGER op_verdict_au;
DROP TABLE authority_epoch;
DELETE FROM schema_migration WHERE version = 180; PRAGMA user_version = 170;`;

/** Back to schema 160: no findings' index (migration 0170). */
export const UNDO_0170 = `
DROP TRIGGER search_doc_finding_ai; DROP TRIGGER search_doc_finding_ad; DROP TRIGGER search_doc_finding_au;
DROP TABLE finding_fts; DROP VIEW finding_doc;
DELETE FROM schema_migration WHERE version = 170; PRAGMA user_version = 160;`;

/** Back to schema 150: no search vocabulary (migration 0160). */
export const UNDO_0160 = `
DROP TABLE search_term;
DELETE FROM schema_migration WHERE version = 160; PRAGMA user_version = 150;`;
