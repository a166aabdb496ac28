/** Evidence notes: filter by case, agency, theme, polarity and author; edit, delete, restore. */
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { EvidenceNote, NoteFilters } from '../../shared/api/evidence.js';
import { useCommand } from '../api/hooks.js';
import { usePages } from '../api/pages.js';
import { NoteCard } from '../components/note-card.js';
import { NoteFilterBar } from '../components/note-filters.js';
import { NEW_NOTE_SHORTCUT, openNewNote, openNoteForEdit } from '../components/NoteComposer.js';
import { useUi } from '../state/ui-store.js';

function NoteActions({ note }: { note: EvidenceNote }) {
  const remove = useCommand('evidence.delete');
  const restore = useCommand('evidence.restore');
  const notice = useUi((s) => s.noticeShown);
  if (note.deleted) {
    return (
      <button type="button" className="link-button" onClick={() => restore.mutate({ id: note.id })}>
        Restore<span className="visually-hidden"> note</span>
      </button>
    );
  }
  return (
    <>
      <button type="button" className="link-button" onClick={() => void openNoteForEdit(note)}>
        Edit<span className="visually-hidden"> note</span>
      </button>
      <button
        type="button"
        className="link-button"
        onClick={() =>
          remove.mutate({ id: note.id }, { onSuccess: () => notice('info', 'Note deleted. Show deleted notes to restore it.') })
        }
      >
        Delete<span className="visually-hidden"> note</span>
      </button>
    </>
  );
}

/** Notes asked for at a time: a few screens' worth, so scrolling rarely waits for a page. */
export const NOTES_PAGE = 100;

interface NoteListProps {
  readonly notes: readonly EvidenceNote[];
  readonly hasMore: boolean;
  readonly loadingMore: boolean;
  readonly loadMore: () => void;
}

function NoteList({ notes, hasMore, loadingMore, loadMore }: NoteListProps) {
  const parent = useRef<HTMLDivElement>(null);
  // Notes can run to thousands in a long inspection: only the visible ones are in the DOM, and
  // they are read from the store a page at a time as the end of what is loaded comes into view.
  const virtualizer = useVirtualizer({
    count: notes.length + (hasMore ? 1 : 0),
    getScrollElement: () => parent.current,
    estimateSize: () => 110,
    overscan: 8,
  });
  const items = virtualizer.getVirtualItems();
  const lastShown = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (hasMore && !loadingMore && lastShown >= notes.length - 1) loadMore();
  }, [hasMore, loadingMore, lastShown, notes.length, loadMore]);
  return (
    <div ref={parent} className="note-list-scroll" tabIndex={0} role="region" aria-label="Notes list">
      <div role="list" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {items.map((item) => {
          const note = notes[item.index];
          const style = {
            position: 'absolute',
            top: 0,
            left: 0,
            width: '100%',
            transform: `translateY(${item.start}px)`,
          } as const;
          if (note === undefined) {
            return (
              <div
                key="more"
                role="listitem"
                data-index={item.index}
                ref={virtualizer.measureElement}
                className="note-list-row muted"
                style={style}
              >
                Loading more notes…
              </div>
            );
          }
          return (
            <div
              key={note.id}
              role="listitem"
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="note-list-row"
              style={style}
            >
              <NoteCard note={note} actions={<NoteActions note={note} />} />
            </div>
          );
        })}
      </div>
    </div>
  );
}

export function NotesScreen({ inspectionId }: { inspectionId: string }) {
  const [filters, setFilters] = useState<NoteFilters>({});
  const [showDeleted, setShowDeleted] = useState(false);
  const pages = usePages('evidence.list', { inspectionId, filters, includeDeleted: showDeleted, limit: NOTES_PAGE });
  const notes = useMemo(() => pages.data?.pages.flatMap((p) => p.notes) ?? [], [pages.data]);
  const count = pages.data?.pages[0]?.total ?? notes.length;
  const { hasNextPage, isFetchingNextPage, fetchNextPage } = pages;
  // cancelRefetch: false — a second ask while a page is on its way joins it instead of cancelling
  // it and reading the same page again (the effect can run twice before isFetchingNextPage shows).
  const loadMore = useCallback(() => void fetchNextPage({ cancelRefetch: false }), [fetchNextPage]);
  return (
    <section aria-labelledby="notes-title" className="screen">
      <div className="screen-header">
        <h1 id="notes-title">Evidence notes</h1>
        <button type="button" className="button-primary" onClick={() => void openNewNote(inspectionId, null)}>
          New note
        </button>
      </div>
      <p className="muted small">
        Press <kbd>{NEW_NOTE_SHORTCUT}</kbd> on any screen to start a note. Notes save themselves as you type.
      </p>
      <div className="notes-toolbar">
        <NoteFilterBar inspectionId={inspectionId} value={filters} onChange={setFilters} />
        <label className="checkbox">
          <input type="checkbox" checked={showDeleted} onChange={(e) => setShowDeleted(e.target.checked)} />
          Show deleted notes
        </label>
      </div>
      <p className="small muted" role="status" aria-live="polite">
        {pages.isLoading ? 'Loading notes…' : `${count.toLocaleString('en-GB')} ${count === 1 ? 'note' : 'notes'}`}
      </p>
      {pages.error && <p className="error-box">{pages.error.message}</p>}
      {pages.data && notes.length === 0 ? (
        <div className="empty">
          <p>No notes match.</p>
          <p className="muted small">Start one with “New note” or {NEW_NOTE_SHORTCUT}.</p>
        </div>
      ) : (
        <NoteList notes={notes} hasMore={hasNextPage} loadingMore={isFetchingNextPage} loadMore={loadMore} />
      )}
    </section>
  );
}
