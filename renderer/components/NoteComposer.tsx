/**
 * Capture that never makes the inspector wait: Ctrl+Shift+N (Cmd+Shift+N on a Mac) or the
 * "New note" button opens the composer on any screen; it saves itself as you type and shows
 * whether what is on screen is safely in the store.
 */
import { useEffect, useRef } from 'react';
import type { EvidenceNote } from '../../shared/api/evidence.js';
import { useUi } from '../state/ui-store.js';
import { focusMainHeading } from '../state/route.js';
import { useNoteDraft, isDirty } from '../state/note-draft-store.js';
import { flushNoteDraft, useNoteAutosave } from '../state/note-draft-autosave.js';
import { installDraftLifecycle, noteToReopen } from '../state/note-draft-lifecycle.js';
import { NoteFieldsForm } from './note-fields.js';
import { SaveStatusLine } from './SaveStatusLine.js';

export const NEW_NOTE_SHORTCUT = 'Ctrl+Shift+N';

function isNewNoteShortcut(event: KeyboardEvent): boolean {
  return (event.ctrlKey || event.metaKey) && event.shiftKey && !event.altKey && event.key.toLowerCase() === 'n';
}

/** Starts a new note, first saving the one on screen; never discards unsaved text. */
export async function openNewNote(inspectionId: string, caseId: string | null): Promise<void> {
  const draft = useNoteDraft.getState();
  if (draft.active && isDirty(draft) && !(await flushNoteDraft())) return;
  useNoteDraft.getState().draftStarted(inspectionId, caseId);
  useUi.getState().noteComposerOpened(caseId);
}

function Composer({ inspectionId }: { inspectionId: string }) {
  const fields = useNoteDraft((s) => s.fields);
  const mode = useNoteDraft((s) => s.mode);
  const save = useNoteDraft((s) => s.save);
  const fieldChanged = useNoteDraft((s) => s.fieldChanged);
  const closeUi = useUi((s) => s.noteComposerClosed);
  const returnFocus = useRef<Element | null>(document.activeElement);
  useNoteAutosave();

  const close = async () => {
    if (!(await flushNoteDraft())) return;
    closeUi();
    useNoteDraft.getState().draftClosed();
    const back = returnFocus.current;
    if (back instanceof HTMLElement && back.isConnected && back !== document.body) back.focus();
    else focusMainHeading();
  };
  return (
    <section
      className="note-composer"
      role="dialog"
      aria-modal="false"
      aria-labelledby="note-composer-title"
      // Leaving a field saves at once rather than after the pause.
      onBlur={() => void flushNoteDraft()}
      onKeyDown={(e) => {
        // Escape first closes an open suggestion list (the combobox reports it as expanded).
        const expanded = e.target instanceof HTMLElement && e.target.getAttribute('aria-expanded') === 'true';
        if (e.key === 'Escape' && !expanded) {
          e.preventDefault();
          void close();
        }
      }}
    >
      <div className="note-composer-head">
        <h2 id="note-composer-title">{mode === 'edit' ? 'Edit evidence note' : 'New evidence note'}</h2>
        <SaveStatusLine status={save} idle="Start typing: the note saves itself." />
      </div>
      <NoteFieldsForm inspectionId={inspectionId} fields={fields} onChange={fieldChanged} />
      <div className="form-actions note-composer-actions">
        <button type="button" className="button-primary" onClick={() => void close()}>
          Done
        </button>
        <span className="muted small">
          Saves as you type. <kbd>{NEW_NOTE_SHORTCUT}</kbd> starts another note; <kbd>Esc</kbd> closes.
        </span>
      </div>
    </section>
  );
}

/** Mounted once for the open inspection: the shortcut, the "New note" button and the composer. */
export function NoteComposerHost({ inspectionId }: { inspectionId: string }) {
  const open = useUi((s) => s.noteComposerOpen);
  const requestedCase = useUi((s) => s.noteComposerCaseId);
  const active = useNoteDraft((s) => s.active);
  const draftInspection = useNoteDraft((s) => s.inspectionId);
  const noteId = useNoteDraft((s) => s.noteId);

  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!isNewNoteShortcut(event)) return;
      event.preventDefault();
      void openNewNote(
        inspectionId,
        useUi.getState().caseId && useUi.getState().screen === 'case' ? useUi.getState().caseId : null,
      );
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [inspectionId]);

  // What was typed is saved as the page goes; the note that was open then opens again now.
  useEffect(() => {
    installDraftLifecycle();
    let current = true;
    void noteToReopen(inspectionId).then((note) => {
      if (!current || !note || useNoteDraft.getState().active) return;
      useNoteDraft.getState().editStarted(note);
      useUi.getState().noteComposerOpened(note.caseId);
    });
    return () => {
      current = false;
    };
  }, [inspectionId]);

  // Another screen may open the composer through the ui store alone.
  useEffect(() => {
    if (open && (!active || draftInspection !== inspectionId)) useNoteDraft.getState().draftStarted(inspectionId, requestedCase);
  }, [open, active, draftInspection, inspectionId, requestedCase]);

  return (
    <>
      <button
        type="button"
        className="new-note-button"
        aria-keyshortcuts="Control+Shift+N"
        onClick={() => void openNewNote(inspectionId, null)}
      >
        New note <kbd>{NEW_NOTE_SHORTCUT}</kbd>
      </button>
      {open && active && draftInspection === inspectionId && <Composer key={noteId} inspectionId={inspectionId} />}
    </>
  );
}

/** Opens an existing note in the composer, first saving whatever is on screen. */
export async function openNoteForEdit(note: EvidenceNote): Promise<void> {
  const draft = useNoteDraft.getState();
  if (draft.active && draft.noteId !== note.id && isDirty(draft) && !(await flushNoteDraft())) return;
  useNoteDraft.getState().editStarted(note);
  useUi.getState().noteComposerOpened(note.caseId);
}
