/**
 * Full-text search over the `search_doc`/`search_fts` index the materialiser keeps. User text
 * NEVER reaches FTS5 as syntax: it is cut into word tokens, each quoted as a prefix term.
 */
import type { Db } from './connection.js';
import { noteFilterSql, type NoteFilterParams } from './evidence-repo.js';

/** Private-use characters bracket matches in snippets; the service turns them into pieces. */
export const MATCH_START = '\uE000';
export const MATCH_END = '\uE001';
const MAX_TERMS = 12;

/** `domestic ab` → `"domestic"* "ab"*` (every term must match, each as a prefix). Null when empty. */
export function buildFtsQuery(text: string): string | null {
  const tokens = text.normalize('NFC').match(/[\p{L}\p{N}]+/gu) ?? [];
  if (tokens.length === 0) return null;
  return tokens
    .slice(0, MAX_TERMS)
    .map((token) => `"${token.replaceAll('"', '""')}"*`)
    .join(' ');
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

const SNIPPET = `snippet(search_fts, 0, '${MATCH_START}', '${MATCH_END}', '…', 28)`;

export function searchNotes(
  db: Db,
  inspectionId: string,
  ftsQuery: string,
  filters: NoteFilterParams,
  limit: number,
): NoteHitRow[] {
  const where = noteFilterSql('n', filters);
  return db
    .prepare(
      `SELECT d.row_id, ${SNIPPET} AS snip, bm25(search_fts) AS rank,
              n.source, n.agency, n.polarity, n.themes, n.author, n.created_at, c.case_ref
       FROM search_fts
       JOIN search_doc d ON d.rowid = search_fts.rowid
       JOIN evidence_note n ON n.id = d.row_id AND n.deleted = 0
       LEFT JOIN sampled_case c ON c.id = n.case_id
       WHERE search_fts MATCH @q AND d.inspection_id = @inspectionId AND d.kind = 'evidence_note'${where.sql}
       ORDER BY rank, n.created_at DESC LIMIT @limit`,
    )
    .all({ q: ftsQuery, inspectionId, limit, ...where.params }) as NoteHitRow[];
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
  return db
    .prepare(
      `SELECT d.row_id, ${SNIPPET} AS snip, bm25(search_fts) AS rank, f.kind, f.status, f.agencies, f.theme
       FROM search_fts
       JOIN search_doc d ON d.rowid = search_fts.rowid
       JOIN finding f ON f.id = d.row_id AND f.deleted = 0
       WHERE search_fts MATCH @q AND d.inspection_id = @inspectionId AND d.kind = 'finding'
       ${parts.map((p) => `AND ${p}`).join(' ')}
       ORDER BY rank LIMIT @limit`,
    )
    .all(params) as FindingHitRow[];
}
