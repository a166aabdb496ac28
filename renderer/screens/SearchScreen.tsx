/** Search as you type across evidence notes and findings, with highlighted matches and filters. */
import { useDeferredValue, useState } from 'react';
import type { NoteFilters } from '../../shared/api/evidence.js';
import type { SearchHit } from '../../shared/api/search.js';
import { AGENCIES, FINDING_KINDS, FINDING_STATUSES, SOURCES } from '../../shared/domain/vocabulary.js';
import { callOnce, useApi } from '../api/hooks.js';
import { formatDateTime } from '../components/dates.js';
import { PolarityTag } from '../components/note-card.js';
import { NoteFilterBar } from '../components/note-filters.js';
import { Snippet } from '../components/note-snippet.js';
import { openNoteForEdit } from '../components/NoteComposer.js';
import { useUi } from '../state/ui-store.js';

type Scope = 'all' | 'evidence_note' | 'finding';
const SCOPES: Readonly<Record<Scope, string>> = {
  all: 'Notes and findings',
  evidence_note: 'Notes only',
  finding: 'Findings only',
};

function HitView({ hit }: { hit: SearchHit }) {
  const screenChosen = useUi((s) => s.screenChosen);
  const notice = useUi((s) => s.noticeShown);
  if (hit.kind === 'finding') {
    return (
      <li className="search-hit">
        <div className="search-hit-head">
          <span className="tag">Finding</span> {FINDING_KINDS[hit.findingKind]} · {FINDING_STATUSES[hit.status]}
          <span className="muted small"> · {hit.agencies.map((a) => AGENCIES[a]).join(', ')}</span>
        </div>
        <p className="search-snippet">
          <Snippet pieces={hit.snippet} />
        </p>
        <button type="button" className="link-button" onClick={() => screenChosen('findings')}>
          Go to findings
        </button>
      </li>
    );
  }
  const open = () =>
    callOnce('evidence.get', { id: hit.id }).then(
      (note) => openNoteForEdit(note),
      (error: Error) => notice('error', error.message),
    );
  return (
    <li className="search-hit">
      <div className="search-hit-head">
        <span className="tag">Note</span>{' '}
        {[hit.caseRef && `Case ${hit.caseRef}`, hit.source && SOURCES[hit.source], hit.agency && AGENCIES[hit.agency]]
          .filter(Boolean)
          .join(' · ')}{' '}
        <PolarityTag polarity={hit.polarity} />
        <span className="muted small">
          {' '}
          · {hit.authorName}, {formatDateTime(hit.createdAt)}
        </span>
      </div>
      <p className="search-snippet">
        <Snippet pieces={hit.snippet} />
      </p>
      <button type="button" className="link-button" onClick={() => void open()}>
        Open note
      </button>
    </li>
  );
}

export function SearchScreen({ inspectionId }: { inspectionId: string }) {
  const [text, setText] = useState('');
  const [scope, setScope] = useState<Scope>('all');
  const [filters, setFilters] = useState<NoteFilters>({});
  // While typing, the newest matches (cheap at any size); Enter ranks them by relevance.
  const [ranked, setRanked] = useState(false);
  const query = useDeferredValue(text);
  const kinds: ('evidence_note' | 'finding')[] = scope === 'all' ? ['evidence_note', 'finding'] : [scope];
  const results = useApi(
    'search.query',
    { inspectionId, text: query, kinds, filters, mode: ranked ? 'ranked' : 'typing' },
    { enabled: query.trim() !== '', placeholderData: (previous) => previous },
  );
  const hits = query.trim() === '' ? [] : (results.data?.hits ?? []);
  return (
    <section aria-labelledby="search-title" className="screen">
      <h1 id="search-title">Search</h1>
      <div className="search-bar">
        <label htmlFor="search-text" className="visually-hidden">
          Search notes and findings
        </label>
        <input
          id="search-text"
          type="search"
          value={text}
          onChange={(e) => {
            setText(e.target.value);
            setRanked(false);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') setRanked(true);
          }}
          placeholder="Search notes and findings…"
          autoFocus
        />
        <label>
          <span className="visually-hidden">Search in</span>
          <select value={scope} onChange={(e) => setScope(e.target.value as Scope)}>
            {(Object.entries(SCOPES) as [Scope, string][]).map(([k, l]) => (
              <option key={k} value={k}>
                {l}
              </option>
            ))}
          </select>
        </label>
      </div>
      <NoteFilterBar inspectionId={inspectionId} value={filters} onChange={setFilters} />
      <p className="small muted" role="status" aria-live="polite">
        {query.trim() === ''
          ? 'Type to search. Every word counts, and the start of a word is enough.'
          : `${hits.length} ${hits.length === 1 ? 'result' : 'results'}, ${ranked ? 'best match first' : 'newest first (press Enter to put the best match first)'}`}
      </p>
      {results.error && <p className="error-box">{results.error.message}</p>}
      <ul className="search-results" aria-label="Results">
        {hits.map((hit) => (
          <HitView key={`${hit.kind}:${hit.id}`} hit={hit} />
        ))}
      </ul>
    </section>
  );
}
