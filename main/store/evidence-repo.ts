/** Reads of evidence notes, the themes and cases notes can point at, and author names. */
import type { Db, NamedParams } from './connection.js';
import { oneRow } from './one-row.js';
import type { TableAlias } from './sql-ident.js';
import { cached } from './statement-cache.js';

export interface NoteRow {
  id: string;
  inspection_id: string;
  deleted: number;
  text: string | null;
  source: string | null;
  agency: string | null;
  themes: string | null;
  polarity: string | null;
  case_id: string | null;
  case_ref: string | null;
  author: string | null;
  created_at: string | null;
}

export interface NoteFilterParams {
  readonly caseId?: string | undefined;
  readonly agency?: string | undefined;
  readonly theme?: string | undefined;
  readonly polarity?: string | undefined;
  readonly author?: string | undefined;
}

const NOTE_SELECT = `
  SELECT n.id, n.inspection_id, n.deleted, n.text, n.source, n.agency, n.themes, n.polarity, n.case_id,
         c.case_ref, n.author, n.created_at
  FROM evidence_note n
  LEFT JOIN sampled_case c ON c.id = n.case_id`;

/** SQL conditions for the note filters, with named parameters (never concatenated values). */
export function noteFilterSql(alias: TableAlias, filters: NoteFilterParams): { sql: string; params: Record<string, string> } {
  const parts: string[] = [];
  const params: Record<string, string> = {};
  if (filters.caseId) {
    parts.push(`${alias}.case_id = @f_case`);
    params.f_case = filters.caseId;
  }
  if (filters.agency) {
    parts.push(`${alias}.agency = @f_agency`);
    params.f_agency = filters.agency;
  }
  if (filters.polarity) {
    parts.push(`${alias}.polarity = @f_polarity`);
    params.f_polarity = filters.polarity;
  }
  if (filters.author) {
    parts.push(`${alias}.author = @f_author`);
    params.f_author = filters.author;
  }
  if (filters.theme) {
    parts.push(`EXISTS (SELECT 1 FROM json_each(${alias}.themes) t WHERE t.value = @f_theme)`);
    params.f_theme = filters.theme;
  }
  return { sql: parts.map((p) => ` AND ${p}`).join(''), params };
}

/** Where a page of the notes list starts: just after this note, in newest-first order. */
export interface NoteKey {
  readonly createdAt: string | null;
  readonly id: string;
}

export interface NoteListQuery {
  readonly inspectionId: string;
  readonly filters: NoteFilterParams;
  readonly includeDeleted: boolean;
}

function listWhere(q: NoteListQuery): { sql: string; params: Record<string, string> } {
  const where = noteFilterSql('n', q.filters);
  return {
    sql: `n.inspection_id = @inspectionId AND n.text IS NOT NULL${q.includeDeleted ? '' : ' AND n.deleted = 0'}${where.sql}`,
    params: { inspectionId: q.inspectionId, ...where.params },
  };
}

/**
 * Up to `limit` notes after `after` (from the newest when null), newest first: by created_at,
 * then id, both descending, read by keyset from evidence_note_by_inspection_order (one range
 * seek, no sort, no offset). A note with no start time (never made by this app, but a store can
 * hold one) sorts after every dated note, by id.
 */
export function listNotesPage(db: Db, q: NoteListQuery, after: NoteKey | null, limit: number): NoteRow[] {
  const where = listWhere(q);
  const rows: NoteRow[] = [];
  if (after === null || after.createdAt !== null) {
    const seekSql = after === null ? 'n.created_at IS NOT NULL' : '(n.created_at, n.id) < (@afterAt, @afterId)';
    const keyset = after === null ? {} : { afterAt: after.createdAt, afterId: after.id };
    rows.push(
      ...db
        .prepare<NamedParams, NoteRow>(
          `${NOTE_SELECT} WHERE ${where.sql} AND ${seekSql} ORDER BY n.created_at DESC, n.id DESC LIMIT @limit`,
        )
        .all({ ...where.params, ...keyset, limit }),
    );
  }
  if (rows.length < limit) {
    const seekSql = after !== null && after.createdAt === null ? ' AND n.id < @afterId' : '';
    rows.push(
      ...db
        .prepare<NamedParams, NoteRow>(
          `${NOTE_SELECT} WHERE ${where.sql} AND n.created_at IS NULL${seekSql} ORDER BY n.id DESC LIMIT @limit`,
        )
        .all({ ...where.params, ...(seekSql ? { afterId: after?.id } : {}), limit: limit - rows.length }),
    );
  }
  return rows;
}

/** How many notes the list's filters match: given with the first page only. */
export function countNotes(db: Db, q: NoteListQuery): number {
  const where = listWhere(q);
  return oneRow(
    db.prepare<NamedParams, { n: number }>(`SELECT count(*) AS n FROM evidence_note n WHERE ${where.sql}`).get(where.params),
  ).n;
}

/** Live notes per signing device in an inspection. */
export function countNotesByAuthor(db: Db, inspectionId: string): { author: string; notes: number }[] {
  return cached<[string], { author: string; notes: number }>(
    db,
    `SELECT author, count(*) AS notes FROM evidence_note
     WHERE inspection_id = ? AND text IS NOT NULL AND deleted = 0 AND author IS NOT NULL
     GROUP BY author ORDER BY author`,
  ).all(inspectionId);
}

export function getNote(db: Db, id: string): NoteRow | null {
  return cached<[string], NoteRow>(db, `${NOTE_SELECT} WHERE n.id = ?`).get(id) ?? null;
}

export function getNotesByIds(db: Db, ids: readonly string[]): NoteRow[] {
  if (ids.length === 0) return [];
  return db
    .prepare<[string], NoteRow>(`${NOTE_SELECT} WHERE n.id IN (SELECT value FROM json_each(?)) ORDER BY n.created_at, n.id`)
    .all(JSON.stringify(ids));
}

/** Every theme tagged on a live note of the inspection, most used first. */
export function listUsedThemes(db: Db, inspectionId: string): string[] {
  const rows = db
    .prepare<[string], { theme: string }>(
      `SELECT t.value AS theme, count(*) AS uses
       FROM evidence_note n, json_each(n.themes) t
       WHERE n.inspection_id = ? AND n.deleted = 0 AND t.type = 'text'
       GROUP BY t.value ORDER BY uses DESC, t.value`,
    )
    .all(inspectionId);
  return rows.map((r) => r.theme);
}

/** The sampled cases a note may point at (live, not removed from the sample). */
export function listCaseOptions(db: Db, inspectionId: string): { id: string; case_ref: string }[] {
  return db
    .prepare<[string], { id: string; case_ref: string }>(
      `SELECT id, case_ref FROM sampled_case
       WHERE inspection_id = ? AND deleted = 0 AND coalesce(removed, 0) = 0 AND case_ref IS NOT NULL
       ORDER BY case_ref`,
    )
    .all(inspectionId);
}

export function getCaseRef(db: Db, caseId: string): { inspection_id: string; case_ref: string | null } | null {
  return (
    cached<[string], { inspection_id: string; case_ref: string | null }>(
      db,
      'SELECT inspection_id, case_ref FROM sampled_case WHERE id = ?',
    ).get(caseId) ?? null
  );
}

/** Authors of the inspection's notes and roster members, keyed by device signing key. */
export function listAuthorKeys(db: Db, inspectionId: string): string[] {
  const rows = db
    .prepare<[string], { author: string }>(
      `SELECT DISTINCT author FROM evidence_note WHERE inspection_id = ? AND author IS NOT NULL AND deleted = 0
       ORDER BY author`,
    )
    .all(inspectionId);
  return rows.map((r) => r.author);
}

/** Roster names by device signing key, for showing who wrote what. */
export function rosterNamesByKey(db: Db, inspectionId: string): Map<string, string> {
  const rows = cached<[string], { signing_key: string; name: string }>(
    db,
    `SELECT signing_key, name FROM team_member
     WHERE inspection_id = ? AND signing_key IS NOT NULL AND name IS NOT NULL
     ORDER BY deleted, name`,
  ).all(inspectionId);
  const names = new Map<string, string>();
  for (const row of rows) if (!names.has(row.signing_key)) names.set(row.signing_key, row.name);
  return names;
}
