/** Search as you type across evidence notes and findings (FTS5), with the notes' filters. */
import type { SearchHit } from '../../shared/api/search.js';
import type { Agency, FindingKind, FindingStatus, Polarity, Source } from '../../shared/domain/vocabulary.js';
import { rosterNamesByKey } from '../store/evidence-repo.js';
import { expandedFtsQuery, MATCH_END, MATCH_START, NO_MATCH, searchFindings, searchNotes } from '../store/search-repo.js';
import type { HandlerGroup } from './context.js';
import { authorOf, parseJsonList } from './evidence.js';
import { requireInspection } from './inspections.js';

/** Splits a marked snippet into plain pieces; the renderer wraps matches in <mark>. */
export function snippetPieces(marked: string): { text: string; match: boolean }[] {
  const pieces: { text: string; match: boolean }[] = [];
  let rest = marked;
  while (rest.length > 0) {
    const start = rest.indexOf(MATCH_START);
    if (start < 0) {
      pieces.push({ text: rest, match: false });
      break;
    }
    if (start > 0) pieces.push({ text: rest.slice(0, start), match: false });
    const end = rest.indexOf(MATCH_END, start + 1);
    const stop = end < 0 ? rest.length : end;
    pieces.push({ text: rest.slice(start + 1, stop), match: true });
    rest = end < 0 ? '' : rest.slice(end + 1);
  }
  return pieces.filter((p) => p.text.length > 0);
}

export const searchHandlers = {
  'search.query': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const fts = expandedFtsQuery(ctx.db, input.text);
    if (fts === null || fts === NO_MATCH) return { hits: [], total: 0 };
    const names = rosterNamesByKey(ctx.db, input.inspectionId);
    const hits: (SearchHit & { rank: number })[] = [];
    if (input.kinds.includes('evidence_note')) {
      for (const row of searchNotes(ctx.db, input.inspectionId, fts, input.filters, input.limit, input.mode)) {
        hits.push({
          kind: 'evidence_note',
          id: row.row_id,
          rank: row.rank,
          snippet: snippetPieces(row.snip),
          caseRef: row.case_ref,
          source: row.source as Source | null,
          agency: row.agency as Agency | null,
          polarity: row.polarity as Polarity | null,
          themes: parseJsonList(row.themes),
          authorName: authorOf(names, row.author).name,
          createdAt: row.created_at ?? '',
        });
      }
    }
    // Case and polarity belong to notes only: with either filter set, findings are left out.
    const noteOnly = input.filters.caseId !== undefined || input.filters.polarity !== undefined;
    if (input.kinds.includes('finding') && !noteOnly) {
      for (const row of searchFindings(ctx.db, input.inspectionId, fts, input.filters, input.limit, input.mode)) {
        hits.push({
          kind: 'finding',
          id: row.row_id,
          rank: row.rank,
          snippet: snippetPieces(row.snip),
          findingKind: (row.kind ?? 'improvement') as FindingKind,
          status: (row.status ?? 'draft') as FindingStatus,
          agencies: parseJsonList(row.agencies) as Agency[],
          theme: row.theme,
        });
      }
    }
    hits.sort((a, b) => a.rank - b.rank);
    return { hits: hits.slice(0, input.limit).map(({ rank: _rank, ...hit }) => hit), total: hits.length };
  },
} satisfies HandlerGroup<'search.query'>;
