/** Commands for evidence notes: capture with autosave, edits, delete and restore, filters. */
import * as z from 'zod';
import { Agency, Id, Polarity, Source, Theme } from '../domain/schemas.js';
import { mutation, query } from './command.js';

/** Who wrote a note: the device key (stable across merges) and the roster name if known. */
export const Author = z.object({ key: z.string(), name: z.string() });
export type Author = z.infer<typeof Author>;

export const EvidenceNote = z.object({
  id: Id,
  inspectionId: Id,
  text: z.string(),
  source: Source.nullable(),
  agency: Agency.nullable(),
  themes: z.array(z.string()),
  polarity: Polarity.nullable(),
  caseId: z.string().nullable(),
  caseRef: z.string().nullable(),
  author: Author,
  createdAt: z.string(),
  deleted: z.boolean(),
});
export type EvidenceNote = z.infer<typeof EvidenceNote>;

export const NoteFields = z.object({
  text: z.string().max(20_000, 'The note is longer than 20,000 characters: shorten it or split it into two notes'),
  source: Source.nullable(),
  agency: Agency.nullable(),
  themes: z.array(Theme).max(20),
  polarity: Polarity.nullable(),
  caseId: Id.nullable(),
});
export type NoteFields = z.infer<typeof NoteFields>;

/** Filters shared by the notes list and search. */
export const NoteFilters = z.object({
  caseId: Id.optional(),
  agency: Agency.optional(),
  theme: Theme.optional(),
  polarity: Polarity.optional(),
  author: z.string().max(100).optional(),
});
export type NoteFilters = z.infer<typeof NoteFilters>;

export const CaseOption = z.object({ id: Id, caseRef: z.string() });

export const EvidenceOptions = z.object({
  themes: z.array(z.string()),
  authors: z.array(Author),
  cases: z.array(CaseOption),
});

/** The most notes one page of the list can hold; the screen asks for fewer. */
export const NOTE_PAGE_MAX = 500;

/**
 * One page of the notes list, newest first (by when each note was started, then its id). `next`
 * is the cursor for the page after (null on the last); `total` is the count of every note the
 * filters match, given with the first page only (a cursor is given: it is null).
 */
export const NotePage = z.object({
  notes: z.array(EvidenceNote),
  next: z.string().nullable(),
  total: z.number().int().nonnegative().nullable(),
});
export type NotePage = z.infer<typeof NotePage>;

export const evidenceCommands = {
  /**
   * The notes list, a page at a time from the store. A page is read after the cursor's note, so
   * a note added or edited between pages never makes a note appear twice or be skipped.
   */
  'evidence.list': query(
    z.object({
      inspectionId: Id,
      filters: NoteFilters.default({}),
      includeDeleted: z.boolean().default(false),
      cursor: z.string().max(200).nullable().default(null),
      limit: z.number().int().min(1).max(NOTE_PAGE_MAX).default(100),
    }),
    NotePage,
  ),
  /** How many live notes each device has signed in the inspection (the team's progress). */
  'evidence.countByAuthor': query(
    z.object({ inspectionId: Id }),
    z.array(z.object({ key: z.string(), notes: z.number().int() })),
  ),
  'evidence.get': query(z.object({ id: Id }), EvidenceNote),
  /** The id is made by the client so a retried first save cannot create the note twice. */
  'evidence.create': mutation(z.object({ inspectionId: Id, id: Id, fields: NoteFields }), EvidenceNote),
  /** Writes only the fields given; unchanged values make no op. */
  'evidence.update': mutation(z.object({ id: Id, fields: NoteFields.partial() }), EvidenceNote),
  /**
   * The composer closed (or typing paused long enough): seals the note's open draft — every
   * autosave since it opened — into one signed changeset, one op per changed field. With no id,
   * every open draft. Nothing typed depends on it: autosaves are durable before it runs.
   */
  'evidence.sealDraft': mutation(
    z.object({ id: Id.optional() }),
    z.object({ changesets: z.number().int().nonnegative(), ops: z.number().int().nonnegative() }),
  ),
  'evidence.delete': mutation(z.object({ id: Id }), EvidenceNote),
  'evidence.restore': mutation(z.object({ id: Id }), EvidenceNote),
  'evidence.options': query(z.object({ inspectionId: Id }), EvidenceOptions),
} as const;
