/**
 * Drafts across the page's life: what is typed but not yet saved is sent to the store when the
 * page is hidden, reloaded or closed (and when the desktop app asks before it quits), and the
 * note that was open in the composer opens again after a reload or a restart.
 *
 * WHERE THE TEXT LIVES (a decision): only in memory and in the encrypted store. A copy in
 * localStorage or IndexedDB would survive a crash of the page, but those are plain files in
 * the browser profile, readable by anything that can read the disk: exactly the leak the
 * store's encryption exists to prevent. So the last keystrokes are not kept locally; they are
 * sent, with a request that outlives the page (keepalive), in the moment the page goes. What
 * localStorage keeps is only WHICH note was open (two ids, no text), so the composer can
 * reopen it from the store.
 */
import { callOnce } from '../api/hooks.js';
import { flushNoteDraft, saveBeforeLeaving } from './note-draft-autosave.js';
import { useNoteDraft } from './note-draft-store.js';

/** Saves waiting elsewhere on screen (the case audit's typing), flushed with the note draft. */
export type PendingSave = (how: { readonly leaving: boolean }) => Promise<boolean>;
const pendingSaves = new Set<PendingSave>();

export function registerPendingSave(save: PendingSave): () => void {
  pendingSaves.add(save);
  return () => pendingSaves.delete(save);
}

/**
 * Saves everything typed and not yet saved; resolves true when the store holds it all. This is
 * what the desktop app calls (through onAppClosing) before its window closes or it quits.
 */
export async function flushPendingSaves(): Promise<boolean> {
  const results = await Promise.all([flushNoteDraft(), ...[...pendingSaves].map((save) => save({ leaving: false }))]);
  return results.every(Boolean);
}

/** The page is unloading: send everything now, without waiting for saves already on their way. */
function saveAllBeforeLeaving(): void {
  void saveBeforeLeaving();
  for (const save of pendingSaves) void save({ leaving: true });
}

const OPEN_NOTE_KEY = 'fieldwork.openNote';

interface OpenNote {
  readonly inspectionId: string;
  readonly noteId: string;
}

function readOpenNote(): OpenNote | null {
  try {
    const value = JSON.parse(localStorage.getItem(OPEN_NOTE_KEY) ?? 'null') as Partial<OpenNote> | null;
    return typeof value?.inspectionId === 'string' && typeof value.noteId === 'string'
      ? { inspectionId: value.inspectionId, noteId: value.noteId }
      : null;
  } catch {
    return null;
  }
}

let remembered: string | null = null;

/** Keeps the open note's ids (never its text) once it has something worth reopening. */
function rememberOpenNote(): void {
  const s = useNoteDraft.getState();
  const worth = s.active && s.inspectionId !== null && (s.created || s.fields.text.trim() !== '');
  const next = worth ? JSON.stringify({ inspectionId: s.inspectionId, noteId: s.noteId }) : null;
  if (next === remembered) return;
  remembered = next;
  try {
    if (next) localStorage.setItem(OPEN_NOTE_KEY, next);
    else localStorage.removeItem(OPEN_NOTE_KEY);
  } catch {
    // Storage refused (private mode, quota): the note is still saved; it just will not reopen.
  }
}

let installed = false;

/** Once per page: the unload and visibility handlers, and keeping the open note's id. */
export function installDraftLifecycle(): void {
  if (installed) return;
  installed = true;
  window.addEventListener('beforeunload', saveAllBeforeLeaving);
  window.addEventListener('pagehide', saveAllBeforeLeaving);
  // Hidden is often the last moment a page is sure to run (a laptop lid, a discarded tab).
  document.addEventListener('visibilitychange', () => {
    if (document.visibilityState === 'hidden') void flushPendingSaves();
  });
  remembered = localStorage.getItem(OPEN_NOTE_KEY);
  useNoteDraft.subscribe(rememberOpenNote);
}

const REOPEN_ATTEMPTS = 5;
const REOPEN_WAIT_MS = 200;

/**
 * The note the composer had open when this inspection's page last went away, read back from
 * the store (a save sent as the page closed may still be landing, so it asks a few times).
 * Null when there is none, or it is gone (never saved, deleted).
 */
export async function noteToReopen(inspectionId: string) {
  const open = readOpenNote();
  if (!open || open.inspectionId !== inspectionId) return null;
  for (let attempt = 0; attempt < REOPEN_ATTEMPTS; attempt += 1) {
    try {
      const note = await callOnce('evidence.get', { id: open.noteId });
      return note.deleted || note.inspectionId !== inspectionId ? null : note;
    } catch {
      await new Promise((r) => setTimeout(r, REOPEN_WAIT_MS));
    }
  }
  try {
    localStorage.removeItem(OPEN_NOTE_KEY);
  } catch {
    // Nothing to forget.
  }
  return null;
}
