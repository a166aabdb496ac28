/**
 * Autosave for the note draft, through the renderer's one autosave (./autosave.ts: debounce,
 * one save at a time, retry with backoff, refusals shown): ~600 ms after typing stops, the
 * first save creates the note (with the id the draft already holds, so a retry cannot
 * duplicate it) and later saves send only changed fields. A failed save keeps the text on
 * screen and is retried; a refused one (too long, say) waits for the next edit.
 *
 * Each save is durable in the store as an open draft of the note (main/sync/local-drafts.ts).
 * When the composer closes (or switches to another note), and after a quiet spell of 30 s with
 * nothing new typed, the draft is sealed (`evidence.sealDraft`): one signed change per field
 * for the whole time the note was worked on, not one per pause.
 */
import { useEffect } from 'react';
import { callOnce, refreshAfter } from '../api/hooks.js';
import { AUTOSAVE_DELAY_MS, Autosaver } from './autosave.js';
import { changedFields, isDirty, useNoteDraft, type NoteDraftFields } from './note-draft-store.js';

export { AUTOSAVE_DELAY_MS } from './autosave.js';
/** Typing paused this long with the composer open: the draft is sealed. */
export const QUIET_SPELL_MS = 30_000;

/** What is on screen for one note; a newer snapshot replaces an older one whole. */
interface NoteSnapshot {
  readonly inspectionId: string;
  readonly noteId: string;
  readonly fields: NoteDraftFields;
}

/** Only the reads a note save affects (shared/api/affects.ts), not every list on screen. */
function refreshViews(): void {
  void refreshAfter('evidence.update');
}

async function sendNote(note: NoteSnapshot, how: { readonly leaving: boolean }): Promise<void> {
  const s = useNoteDraft.getState();
  const created = s.noteId === note.noteId && s.created;
  if (!created && note.fields.text.trim() === '') return;
  if (!created || how.leaving) {
    // `evidence.create` with the draft's own id is an upsert: right whether or not the note
    // exists yet, so it is also the one request sent as the page goes.
    await callOnce('evidence.create', { inspectionId: note.inspectionId, id: note.noteId, fields: note.fields });
  } else {
    const changed = changedFields(s.saved, note.fields);
    if (Object.keys(changed).length === 0) return;
    await callOnce('evidence.update', { id: note.noteId, fields: changed });
  }
  useNoteDraft.getState().saveSucceeded(note.noteId, note.fields);
  if (!how.leaving) refreshViews();
}

const noteSaver = new Autosaver<NoteSnapshot>({ send: sendNote, merge: (_older, newer) => newer });
noteSaver.subscribe(() => useNoteDraft.getState().saveShown(noteSaver.getStatus()));

/** Queues what is on screen, if the store does not hold it yet. */
function queueOnScreen(delay: number): boolean {
  const s = useNoteDraft.getState();
  if (!s.active || !s.inspectionId || !isDirty(s)) return false;
  noteSaver.queue({ inspectionId: s.inspectionId, noteId: s.noteId, fields: s.fields }, delay);
  return true;
}

/** Saves now if anything is unsaved; resolves true when the store holds what is on screen. */
export function flushNoteDraft(): Promise<boolean> {
  queueOnScreen(0);
  return noteSaver.flush();
}

/**
 * The page is going away (reload, tab or window closed): send what is on screen at once, in
 * one request that does not wait for a save already on its way (the page may not live to see
 * it answer); the transport sends it with keepalive so it outlives the page.
 */
export function saveBeforeLeaving(): Promise<boolean> {
  queueOnScreen(0);
  return noteSaver.saveBeforeLeaving();
}

/**
 * Seals a note's open draft once what is on screen is saved. Nothing is lost if this fails or
 * never runs (a closed page, an unreachable store): the draft is durable and the store seals it
 * before any other write, at quit and at the next start.
 */
export async function sealNoteDraft(noteId: string): Promise<void> {
  await noteSaver.settled();
  const s = useNoteDraft.getState();
  if (s.noteId === noteId && s.active && isDirty(s) && !(await flushNoteDraft())) return;
  try {
    const sealed = await callOnce('evidence.sealDraft', { id: noteId });
    if (sealed.ops > 0) void refreshAfter('evidence.sealDraft');
  } catch {
    // The draft stays open and safe; it is sealed at the next opportunity.
  }
}

/**
 * Debounced save while the composer is open; the draft is sealed after a quiet spell and when
 * the composer closes or switches to another note (the composer is keyed by the note's id).
 */
export function useNoteAutosave(): void {
  const fields = useNoteDraft((s) => s.fields);
  const active = useNoteDraft((s) => s.active);
  const noteId = useNoteDraft((s) => s.noteId);
  useEffect(() => {
    if (active) queueOnScreen(AUTOSAVE_DELAY_MS);
  }, [fields, active]);
  useEffect(() => {
    if (!active) return undefined;
    const quiet = setTimeout(() => void sealNoteDraft(noteId), QUIET_SPELL_MS);
    return () => clearTimeout(quiet);
  }, [fields, active, noteId]);
  useEffect(
    () => () => {
      void sealNoteDraft(noteId);
    },
    [noteId],
  );
}
