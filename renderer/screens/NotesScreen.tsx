/** Evidence notes: filter by case, agency, theme, polarity and author; edit, delete, restore. */
import { useRef, useState } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { EvidenceNote, NoteFilters } from '../../shared/api/evidence.js';
import { useApi, useCommand } from '../api/hooks.js';
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

function NoteList({ notes }: { notes: readonly EvidenceNote[] }) {
  const parent = useRef<HTMLDivElement>(null);
  // Notes can run to thousands in a long inspection: only the visible ones are in the DOM.
  const virtualizer = useVirtualizer({
    count: notes.length,
    getScrollElement: () => parent.current,
    estimateSize: () => 110,
    overscan: 8,
  });
  return (
    <div ref={parent} className="note-list-scroll" tabIndex={0} role="region" aria-label="Notes list">
      <div role="list" style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const note = notes[item.index] as EvidenceNote;
          return (
            <div
              key={note.id}
              role="listitem"
              data-index={item.index}
              ref={virtualizer.measureElement}
              className="note-list-row"
              style={{ position: 'absolute', top: 0, left: 0, width: '100%', transform: `translateY(${item.start}px)` }}
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
  const notes = useApi('evidence.list', { inspectionId, filters, includeDeleted: showDeleted });
  const count = notes.data?.length ?? 0;
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
        {notes.isLoading ? 'Loading notes…' : `${count} ${count === 1 ? 'note' : 'notes'}`}
      </p>
      {notes.error && <p className="error-box">{notes.error.message}</p>}
      {notes.data && notes.data.length === 0 ? (
        <div className="empty">
          <p>No notes match.</p>
          <p className="muted small">Start one with “New note” or {NEW_NOTE_SHORTCUT}.</p>
        </div>
      ) : (
        <NoteList notes={notes.data ?? []} />
      )}
    </section>
  );
}
