/**
 * 0100: search as you type at scale. The full-text index gains prefix indexes for two- and
 * three-letter prefixes, so `"st"*` reads one doclist instead of merging every term that starts
 * with "st" (the first letters typed are the most common prefixes). The index is external
 * content over search_doc, so it is rebuilt from there; the triggers are the same as 0010's.
 *
 * Numbered below 0120, which shipped first: applied as a late migration (see index.ts) to any
 * store that has not recorded it, whatever its user_version.
 */
export const migration0100 = `
DROP TRIGGER IF EXISTS search_doc_ai;
DROP TRIGGER IF EXISTS search_doc_ad;
DROP TRIGGER IF EXISTS search_doc_au;
DROP TABLE IF EXISTS search_fts;
CREATE VIRTUAL TABLE search_fts USING fts5(text, content='search_doc', content_rowid='rowid',
  tokenize='unicode61 remove_diacritics 2', prefix='2 3');
CREATE TRIGGER search_doc_ai AFTER INSERT ON search_doc BEGIN
  INSERT INTO search_fts(rowid, text) VALUES (new.rowid, new.text);
END;
CREATE TRIGGER search_doc_ad AFTER DELETE ON search_doc BEGIN
  INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
END;
CREATE TRIGGER search_doc_au AFTER UPDATE ON search_doc BEGIN
  INSERT INTO search_fts(search_fts, rowid, text) VALUES ('delete', old.rowid, old.text);
  INSERT INTO search_fts(rowid, text) VALUES (new.rowid, new.text);
END;
INSERT INTO search_fts(search_fts) VALUES ('rebuild');
`;
