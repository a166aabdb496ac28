/** Full-text search across evidence notes and findings, with the notes list's filters. */
import * as z from 'zod';
import { FindingKind, FindingStatus, Id, Polarity, Source, Agency } from '../domain/schemas.js';
import { NoteFilters } from './evidence.js';
import { query } from './command.js';

/** A snippet as plain pieces: the renderer marks `match` pieces; no markup crosses the API. */
export const SnippetPiece = z.object({ text: z.string(), match: z.boolean() });

export const SearchHit = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('evidence_note'),
    id: Id,
    snippet: z.array(SnippetPiece),
    caseRef: z.string().nullable(),
    source: Source.nullable(),
    agency: Agency.nullable(),
    polarity: Polarity.nullable(),
    themes: z.array(z.string()),
    authorName: z.string(),
    createdAt: z.string(),
  }),
  z.object({
    kind: z.literal('finding'),
    id: Id,
    snippet: z.array(SnippetPiece),
    findingKind: FindingKind,
    status: FindingStatus,
    agencies: z.array(Agency),
    theme: z.string().nullable(),
  }),
]);
export type SearchHit = z.infer<typeof SearchHit>;

export const SearchMode = z.enum(['typing', 'ranked']);
export type SearchMode = z.infer<typeof SearchMode>;

export const searchCommands = {
  'search.query': query(
    z.object({
      inspectionId: Id,
      text: z.string().max(500),
      kinds: z
        .array(z.enum(['evidence_note', 'finding']))
        .min(1)
        .default(['evidence_note', 'finding']),
      filters: NoteFilters.default({}),
      limit: z.number().int().min(1).max(500).default(100),
      /**
       * `typing`: newest matches first, no ranking (cheap enough for every keystroke at a
       * million notes). `ranked`: the page ranked by relevance (bm25), for when the inspector
       * presses Enter.
       */
      mode: SearchMode.default('ranked'),
    }),
    z.object({ hits: z.array(SearchHit), total: z.number().int() }),
  ),
} as const;
