/**
 * 0160: the search vocabulary (`search_term`, main/store/search-terms.ts): every term of the
 * full-text index, so a typed prefix is matched as the whole terms it stands for. Filled here
 * from the index itself (fts5vocab reads FTS5's own terms; the temporary table holds no data),
 * then kept by every write of a search document.
 */
export const migration0160 = `
CREATE TABLE search_term (term TEXT PRIMARY KEY) STRICT, WITHOUT ROWID;
CREATE VIRTUAL TABLE temp.search_fts_terms USING fts5vocab(main, search_fts, 'row');
INSERT INTO search_term(term) SELECT term FROM temp.search_fts_terms;
DROP TABLE temp.search_fts_terms;
`;
