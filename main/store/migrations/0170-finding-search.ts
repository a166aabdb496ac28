/**
 * 0170: findings get a full-text index of their own. Search as you type asks for the newest
 * matching findings beside the newest matching notes; in the one index over both, the findings'
 * query read every matching note, newest first, to find its few findings (on a lead's merged
 * store of 98 K notes and 3 K findings: p95 276 ms, against 12 ms for the notes alone).
 *
 * `finding_fts` is external content over `finding_doc`, a view of the findings' search
 * documents, so a 'rebuild' reads only findings and snippet() reads their text from search_doc.
 * `search_fts` still indexes every document (the vocabulary and the notes' queries read it);
 * these triggers keep the second index beside it, in the same statement as the first.
 */
export const migration0170 = `
CREATE VIEW finding_doc(doc_id, text) AS SELECT rowid, text FROM search_doc WHERE kind = 'finding';
CREATE VIRTUAL TABLE finding_fts USING fts5(text, content='finding_doc', content_rowid='doc_id',
  tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TRIGGER search_doc_finding_ai AFTER INSERT ON search_doc WHEN new.kind = 'finding' BEGIN
  INSERT INTO finding_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER search_doc_finding_ad AFTER DELETE ON search_doc WHEN old.kind = 'finding' BEGIN
  INSERT INTO finding_fts(finding_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER search_doc_finding_au AFTER UPDATE ON search_doc WHEN old.kind = 'finding' OR new.kind = 'finding' BEGIN
  INSERT INTO finding_fts(finding_fts, rowid, text) SELECT 'delete', old.rowid, old.text WHERE old.kind = 'finding';
  INSERT INTO finding_fts(rowid, text) SELECT new.rowid, new.text WHERE new.kind = 'finding';
END;
INSERT INTO finding_fts(finding_fts) VALUES ('rebuild');
`;
