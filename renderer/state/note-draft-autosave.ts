/**
 * Autosave for the note draft: ~600 ms after typing stops, the first save creates the note
 * (with the id the draft already holds, so a retry cannot duplicate it) and later saves send
 * only changed fields. A failed save keeps the text on screen and retries with backoff.
 *
 * Each save is durable in the store as an open draft of the note (main/sync/local-drafts.ts).
 * When the composer closes (or switches to another note), and after a quiet spell of 30 s with
 * nothing new typed, the draft is sealed (`evidence.sealDraft`): one signed change per field
 * for the whole time the note was worked on, not one per pause.
 */
import { useEffect } from 'react';
import { ApiError, callOnce, refreshAfter } from '../api/hooks.js';
import { changedFields, isDirty, useNoteDraft } from './note-draft-store.js';

export const AUTOSAVE_DELAY_MS = 600;
/** Typing paused this long with the composer open: the draft is sealed. */
export const QUIET_SPELL_MS = 30_000;
const RETRY_MS = [2_000, 5_000, 10_000, 30_000];

let inFlight: Promise<boolean> | null = null;
let retryTimer: ReturnType<typeof setTimeout> | null = null;
let failures = 0;

/** Only the reads a note save affects (shared/api/affects.ts), not every list on screen. */
function refreshViews(): void {
  void refreshAfter('evidence.update');
}

/** Field messages are written for people; the summary message is not, so prefer them. */
function plainReason(error: ApiError): string {
  const issues = error.details?.issues;
  if (Array.isArray(issues)) {
    const messages = issues.flatMap((i: unknown) =>
      typeof i === 'object' && i !== null && typeof (i as { message?: unknown }).message === 'string'
        ? [(i as { message: string }).message]
        : [],
    );
    if (messages.length > 0) return messages.join('; ');
  }
  return error.message;
}

async function saveOnce(): Promise<boolean> {
  const s = useNoteDraft.getState();
  if (!s.active || !s.inspectionId || !isDirty(s)) return true;
  const sent = s.fields;
  const noteId = s.noteId;
  s.saveStarted();
  try {
    if (!s.created) {
      await callOnce('evidence.create', { inspectionId: s.inspectionId, id: noteId, fields: sent });
    } else {
      await callOnce('evidence.update', { id: noteId, fields: changedFields(s.saved, sent) });
    }
    failures = 0;
    useNoteDraft.getState().saveSucceeded(noteId, sent, Date.now());
    refreshViews();
    return true;
  } catch (error) {
    const reason = error instanceof ApiError ? plainReason(error) : 'Fieldwork could not reach its data file';
    useNoteDraft.getState().saveFailed(noteId, reason);
    // Bad input will not fix itself; anything else (a busy or unreachable store) is retried.
    if (!(error instanceof ApiError && error.code === 'invalid_input')) scheduleRetry();
    return false;
  }
}

function scheduleRetry(): void {
  if (retryTimer) clearTimeout(retryTimer);
  const delay = RETRY_MS[Math.min(failures, RETRY_MS.length - 1)] ?? 30_000;
  failures += 1;
  retryTimer = setTimeout(() => {
    retryTimer = null;
    void flushNoteDraft();
  }, delay);
}

/** Saves now if anything is unsaved; resolves true when the store holds what is on screen. */
export async function flushNoteDraft(): Promise<boolean> {
  while (inFlight) await inFlight;
  inFlight = saveOnce();
  let ok: boolean;
  try {
    ok = await inFlight;
  } finally {
    inFlight = null;
  }
  // Typing continued during the save: catch up.
  if (ok && isDirty(useNoteDraft.getState())) return flushNoteDraft();
  return ok;
}

/**
 * The page is going away (reload, tab or window closed): send what is on screen at once, in
 * one request that does not wait for a save already on its way (the page may not live to see
 * it answer). `evidence.create` with the draft's own id is an upsert, so it is right whether
 * or not the note exists yet; the transport sends it with keepalive so it outlives the page.
 */
export function saveBeforeLeaving(): Promise<boolean> {
  const s = useNoteDraft.getState();
  if (!s.active || !s.inspectionId || !isDirty(s)) return Promise.resolve(true);
  if (retryTimer) clearTimeout(retryTimer);
  const sent = s.fields;
  const noteId = s.noteId;
  return callOnce('evidence.create', { inspectionId: s.inspectionId, id: noteId, fields: sent }).then(
    () => {
      useNoteDraft.getState().saveSucceeded(noteId, sent, Date.now());
      return true;
    },
    () => false,
  );
}

/**
 * Seals a note's open draft once what is on screen is saved. Nothing is lost if this fails or
 * never runs (a closed page, an unreachable store): the draft is durable and the store seals it
 * before any other write, at quit and at the next start.
 */
export async function sealNoteDraft(noteId: string): Promise<void> {
  while (inFlight) await inFlight;
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
    if (!active || !isDirty(useNoteDraft.getState())) return undefined;
    const timer = setTimeout(() => void flushNoteDraft(), AUTOSAVE_DELAY_MS);
    return () => clearTimeout(timer);
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
