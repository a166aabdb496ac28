/**
 * The notes list a page at a time: the cursor names the last note of the page before (its start
 * time and id, opaque to the client), so the next page is read by keyset from the store. The
 * count of matching notes is given with the first page only.
 */
import type { NotePage, NoteFilters } from '../../shared/api/evidence.js';
import { AppError } from '../../shared/errors.js';
import { countNotes, listNotesPage, rosterNamesByKey, type NoteKey, type NoteRow } from '../store/evidence-repo.js';
import type { ServiceContext } from './context.js';
import { toNote } from './evidence.js';

export function encodeNoteCursor(row: Pick<NoteRow, 'created_at' | 'id'>): string {
  return Buffer.from(JSON.stringify([row.created_at, row.id]), 'utf8').toString('base64url');
}

export function decodeNoteCursor(cursor: string): NoteKey {
  try {
    const value: unknown = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
    if (Array.isArray(value) && value.length === 2) {
      const [createdAt, id] = value as unknown[];
      if ((createdAt === null || typeof createdAt === 'string') && typeof id === 'string') return { createdAt, id };
    }
  } catch {
    // fall through: not one of ours
  }
  throw new AppError('invalid_input', 'That page of the notes list could not be found. Reload the list and try again.', {
    issues: [{ path: ['cursor'], message: 'Not a cursor from this list' }],
  });
}

export interface NotePageInput {
  readonly inspectionId: string;
  readonly filters: NoteFilters;
  readonly includeDeleted: boolean;
  readonly cursor: string | null;
  readonly limit: number;
}

export function readNotePage(ctx: ServiceContext, input: NotePageInput): NotePage {
  const q = { inspectionId: input.inspectionId, filters: input.filters, includeDeleted: input.includeDeleted };
  const after = input.cursor === null ? null : decodeNoteCursor(input.cursor);
  // One more than asked for says whether there is a page after this one.
  const rows = listNotesPage(ctx.db, q, after, input.limit + 1);
  const page = rows.slice(0, input.limit);
  const last = page[page.length - 1];
  const names = rosterNamesByKey(ctx.db, input.inspectionId);
  return {
    notes: page.map((r) => toNote(r, names)),
    next: rows.length > input.limit && last ? encodeNoteCursor(last) : null,
    total: after === null ? (rows.length <= input.limit ? page.length : countNotes(ctx.db, q)) : null,
  };
}
