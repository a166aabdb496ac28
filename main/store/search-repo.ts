/**
 * Full-text search over the `search_doc`/`search_fts` index the materialiser keeps (and
 * `finding_fts`, the findings' own index beside it). User text
 * NEVER reaches FTS5 as syntax: it is cut into word tokens, each quoted as a prefix term.
 */
import type { SearchMode } from '../../shared/api/search.js';
import type { Db, NamedParams, ReadableDb } from './connection.js';
import { storeHas } from './schema-objects.js';
import { isPlainToken, MAX_PREFIX_TERMS, termsWithPrefix } from './search-terms.js';
import { ident, identLiteral, type TableAlias } from './sql-ident.js';
import { cached } from './statement-cache.js';
import { noteFilterSql, type NoteFilterParams } from './evidence-repo.js';

/** Private-use characters bracket matches in snippets; the service turns them into pieces. */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';
const MAX_TERMS = 12;

/** The query's word tokens (at most MAX_TERMS), and whether each is matched whole or as a prefix. */
function queryTokens(text: string): { token: string; prefix: boolean }[] {
  const tokens = (text.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? []).slice(0, MAX_TERMS);
  const longer = tokens.some((token) => [...token].length > 1);
  return tokens.map((token) => ({ token, prefix: !(longer && [...token].length === 1) }));
}

const quoted = (token: string): string => `"${token.replaceAll('"', '""')}"`;

/**
 * `domestic ab` → `"domestic"* "ab"*` (every term must match, each as a prefix). Null when empty.
 * A one-letter token beside longer ones (the `s` of "mother's", an "a") is matched as a whole
 * word: as a prefix it would merge the doclist of every word starting with that letter (the
 * prefix indexes are for two and three letters), which was 0.6 s at 100 K notes, for a term that
 * narrows nothing. A query of one-letter tokens alone keeps them as prefixes.
 */
export function buildFtsQuery(text: string): string | null {
  const tokens = queryTokens(text);
  if (tokens.length === 0) return null;
  return tokens.map(({ token, prefix }) => `${quoted(token)}${prefix ? '*' : ''}`).join(' ');
}

/** No document can match: a prefix of the query stands for no term the index has held. */
export const NO_MATCH = Symbol('no match');

/**
 * The query the store runs: `buildFtsQuery`'s meaning, with each plain prefix of four letters or
 * more written as the whole terms it stands for (`"need"*` → `("need" OR "needed")`), which FTS5
 * reads lazily and stops at the LIMIT (search-terms.ts says why and why it finds the same notes).
 * Two- and three-letter prefixes keep their prefix indexes; a prefix with more than
 * MAX_PREFIX_TERMS terms, or with a character beyond plain ASCII, stays a prefix query.
 */
export function expandedFtsQuery(db: ReadableDb, text: string): string | null | typeof NO_MATCH {
  const tokens = queryTokens(text);
  if (tokens.length === 0) return null;
  // A store older than 0160 opened read-only (schema-objects.ts) has no vocabulary: prefixes stay.
  const vocabulary = storeHas(db, 'search_term');
  const parts: string[] = [];
  for (const { token, prefix } of tokens) {
    if (!prefix) parts.push(quoted(token));
    else if (token.length < 4 || !isPlainToken(token) || !vocabulary) parts.push(`${quoted(token)}*`);
    else {
      const terms = termsWithPrefix(db, token.toLowerCase());
      if (terms.length === 0) return NO_MATCH;
      if (terms.length > MAX_PREFIX_TERMS) parts.push(`${quoted(token)}*`);
      else parts.push(terms.length === 1 ? quoted(terms[0] as string) : `(${terms.map(quoted).join(' OR ')})`);
    }
  }
  return parts.join(' AND ');
}

export interface NoteHitRow {
  row_id: string;
  snip: string;
  rank: number;
  source: string | null;
  agency: string | null;
  polarity: string | null;
  themes: string | null;
  author: string | null;
  created_at: string | null;
  case_ref: string | null;
}

export interface FindingHitRow {
  row_id: string;
  snip: string;
  rank: number;
  kind: string | null;
  status: string | null;
  agencies: string | null;
  theme: string | null;
}

/**
 * The index each kind is searched in: notes in `search_fts` (every document), findings in
 * `finding_fts` (findings only, migration 0170), so a findings query never walks the notes.
 */
type KindIndex = 'search_fts' | 'finding_fts';
/** A store older than 0170 opened read-only (schema-objects.ts) has findings in `search_fts` alone. */
const indexSqlFor = (db: ReadableDb, kindTable: 'evidence_note' | 'finding'): KindIndex =>
  kindTable === 'finding' && storeHas(db, 'finding_fts') ? 'finding_fts' : 'search_fts';
const snippetSql = (indexSql: KindIndex): string => `snippet(${indexSql}, 0, '${MATCH_START}', '${MATCH_END}', '…', 28)`;

/*
 * Why two statements: bm25() and snippet() cost a pass over each row's matches, and ranking every
 * match before the LIMIT made a common prefix ("str") cost a second at 100 K notes. So the
 * page is chosen first, newest index rows first (FTS5 walks its doclists in rowid order, no
 * sort), with every filter applied in SQL before the LIMIT so a filtered search still reaches
 * matches beyond the first page of unfiltered ones; only that page is ranked and snippeted.
 * CROSS JOIN keeps the planner driving from the full-text index, never from a table scan.
 * The second statement matches again within the page's rowid range (FTS5 seeks it), and
 * `+rowid` keeps the page list out of FTS5's plan: as a rowid constraint it would re-run the
 * MATCH once per listed row.
 */
function pageRowids(db: Db, sql: string, params: Record<string, string | number>): PageParams | null {
  const ids = db
    .prepare<NamedParams, number>(sql)
    .pluck()
    .all(params)
    .filter((id) => Number.isSafeInteger(id));
  if (ids.length === 0) return null;
  return { lo: Math.min(...ids), hi: Math.max(...ids), ids: JSON.stringify(ids) };
}

interface PageParams {
  lo: number;
  hi: number;
  ids: string;
}

const inPageSql = (indexSql: KindIndex): string => `${indexSql} MATCH @q AND ${indexSql}.rowid BETWEEN @lo AND @hi
       AND +${indexSql}.rowid IN (SELECT value FROM json_each(@ids))`;

function pageSql(indexSql: KindIndex, kindTable: 'evidence_note' | 'finding', alias: TableAlias, whereSql: string): string {
  return `SELECT ${indexSql}.rowid FROM ${indexSql}
       CROSS JOIN search_doc d ON d.rowid = ${indexSql}.rowid
       CROSS JOIN ${ident(kindTable)} ${alias} ON ${alias}.id = d.row_id AND ${alias}.deleted = 0
       WHERE ${indexSql} MATCH @q AND d.inspection_id = @inspectionId AND d.kind = ${identLiteral(kindTable)}${whereSql}
       ORDER BY ${indexSql}.rowid DESC LIMIT @limit`;
}

/**
 * While typing, nothing is ranked: the newest matches, straight off the index in rowid order,
 * and snippet() runs only for the rows returned (no sort, so SQLite stops at the LIMIT). The
 * rank is the negated rowid, so the service's ascending sort keeps newest first across kinds.
 */
function newestSql(
  indexSql: KindIndex,
  kindTable: 'evidence_note' | 'finding',
  alias: TableAlias,
  columnsSql: string,
  joinsSql: string,
  whereSql: string,
): string {
  return `SELECT d.row_id, ${snippetSql(indexSql)} AS snip, -${indexSql}.rowid AS rank, ${columnsSql}
       FROM ${indexSql}
       CROSS JOIN search_doc d ON d.rowid = ${indexSql}.rowid
       CROSS JOIN ${ident(kindTable)} ${alias} ON ${alias}.id = d.row_id AND ${alias}.deleted = 0${joinsSql}
       WHERE ${indexSql} MATCH @q AND d.inspection_id = @inspectionId AND d.kind = ${identLiteral(kindTable)}${whereSql}
       ORDER BY ${indexSql}.rowid DESC LIMIT @limit`;
}

const NOTE_COLUMNS = 'n.source, n.agency, n.polarity, n.themes, n.author, n.created_at, c.case_ref';
const FINDING_COLUMNS = 'f.kind, f.status, f.agencies, f.theme';

export function searchNotes(
  db: Db,
  inspectionId: string,
  ftsQuery: string,
  filters: NoteFilterParams,
  limit: number,
  mode: SearchMode = 'ranked',
): NoteHitRow[] {
  const where = noteFilterSql('n', filters);
  const params = { q: ftsQuery, inspectionId, limit, ...where.params };
  if (mode === 'typing') {
    const sql = newestSql(
      'search_fts',
      'evidence_note',
      'n',
      NOTE_COLUMNS,
      '\n       LEFT JOIN sampled_case c ON c.id = n.case_id',
      where.sql,
    );
    return cached<NamedParams, NoteHitRow>(db, sql).all(params);
  }
  const page = pageRowids(db, pageSql('search_fts', 'evidence_note', 'n', where.sql), params);
  if (page === null) return [];
  return db
    .prepare<NamedParams, NoteHitRow>(
      `SELECT d.row_id, ${snippetSql('search_fts')} AS snip, bm25(search_fts) AS rank, ${NOTE_COLUMNS}
       FROM search_fts
       CROSS JOIN search_doc d ON d.rowid = search_fts.rowid
       CROSS JOIN evidence_note n ON n.id = d.row_id
       LEFT JOIN sampled_case c ON c.id = n.case_id
       WHERE ${inPageSql('search_fts')}
       ORDER BY rank, n.created_at DESC`,
    )
    .all({ q: ftsQuery, ...page });
}

export interface FindingSearchFilters {
  readonly agency?: string | undefined;
  readonly theme?: string | undefined;
  readonly author?: string | undefined;
}

export function searchFindings(
  db: Db,
  inspectionId: string,
  ftsQuery: string,
  filters: FindingSearchFilters,
  limit: number,
  mode: SearchMode = 'ranked',
): FindingHitRow[] {
  const parts: string[] = [];
  const params: Record<string, string | number> = { q: ftsQuery, inspectionId, limit };
  if (filters.agency) {
    parts.push('EXISTS (SELECT 1 FROM json_each(f.agencies) a WHERE a.value = @agency)');
    params.agency = filters.agency;
  }
  if (filters.theme) {
    parts.push('f.theme = @theme');
    params.theme = filters.theme;
  }
  if (filters.author) {
    parts.push('f.author = @author');
    params.author = filters.author;
  }
  const where = parts.map((p) => ` AND ${p}`).join('');
  const indexSql = indexSqlFor(db, 'finding');
  if (mode === 'typing')
    return cached<NamedParams, FindingHitRow>(db, newestSql(indexSql, 'finding', 'f', FINDING_COLUMNS, '', where)).all(params);
  const page = pageRowids(db, pageSql(indexSql, 'finding', 'f', where), params);
  if (page === null) return [];
  return db
    .prepare<NamedParams, FindingHitRow>(
      `SELECT d.row_id, ${snippetSql(indexSql)} AS snip, bm25(${indexSql}) AS rank, ${FINDING_COLUMNS}
       FROM ${indexSql}
       CROSS JOIN search_doc d ON d.rowid = ${indexSql}.rowid
       CROSS JOIN finding f ON f.id = d.row_id
       WHERE ${inPageSql(indexSql)}
       ORDER BY rank`,
    )
    .all({ q: ftsQuery, ...page });
}
