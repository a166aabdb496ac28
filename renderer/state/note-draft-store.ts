/**
 * The evidence note being written. It lives here, not in the server cache, so that what the
 * inspector typed stays on screen whatever happens to the save; `saved` is what the store
 * last confirmed, so autosave sends only the fields that changed since.
 */
import { create } from 'zustand';
import type { EvidenceNote, NoteFields } from '../../shared/api/evidence.js';
import { newId } from '../../shared/domain/ids.js';
import type { SaveStatus } from './autosave.js';

export type NoteDraftFields = NoteFields;

export interface NoteDraftState {
  active: boolean;
  inspectionId: string | null;
  noteId: string;
  /** True once the store holds the note (the first save creates it). */
  created: boolean;
  /** Whether the composer was opened for a new note or to edit one. */
  mode: 'new' | 'edit';
  fields: NoteDraftFields;
  saved: NoteDraftFields | null;
  /** What the composer says about saving (the autosave's status, ./autosave.ts). */
  save: SaveStatus;
  draftStarted: (inspectionId: string, caseId: string | null) => void;
  editStarted: (note: EvidenceNote) => void;
  fieldChanged: <K extends keyof NoteDraftFields>(key: K, value: NoteDraftFields[K]) => void;
  saveSucceeded: (noteId: string, sent: NoteDraftFields) => void;
  saveShown: (status: SaveStatus) => void;
  draftClosed: () => void;
}

export const emptyFields = (caseId: string | null): NoteDraftFields => ({
  text: '',
  source: null,
  agency: null,
  themes: [],
  polarity: null, // Not chosen until the inspector chooses: an unclassified note is not neutral evidence.
  caseId,
});

export const useNoteDraft = create<NoteDraftState>()((set) => ({
  active: false,
  inspectionId: null,
  noteId: newId(),
  created: false,
  mode: 'new',
  fields: emptyFields(null),
  saved: null,
  save: { kind: 'idle' },
  draftStarted: (inspectionId, caseId) =>
    set({
      active: true,
      inspectionId,
      noteId: newId(),
      created: false,
      mode: 'new',
      fields: emptyFields(caseId),
      saved: null,
      save: { kind: 'idle' },
    }),
  editStarted: (note) => {
    const fields: NoteDraftFields = {
      text: note.text,
      source: note.source,
      agency: note.agency,
      themes: note.themes,
      polarity: note.polarity,
      caseId: note.caseId,
    };
    set({
      active: true,
      inspectionId: note.inspectionId,
      noteId: note.id,
      created: true,
      mode: 'edit',
      fields,
      saved: fields,
      save: { kind: 'saved', at: Date.now() },
    });
  },
  fieldChanged: (key, value) => set((s) => ({ fields: { ...s.fields, [key]: value } })),
  saveSucceeded: (noteId, sent) => set((s) => (s.noteId !== noteId ? s : { created: true, saved: sent })),
  saveShown: (save) => set({ save }),
  draftClosed: () => set({ active: false }),
}));

/** The fields that differ from what the store last confirmed. */
export function changedFields(saved: NoteDraftFields | null, fields: NoteDraftFields): Partial<NoteDraftFields> {
  if (!saved) return fields;
  const changed: Partial<NoteDraftFields> = {};
  for (const key of Object.keys(fields) as (keyof NoteDraftFields)[]) {
    if (JSON.stringify(saved[key]) !== JSON.stringify(fields[key])) Object.assign(changed, { [key]: fields[key] });
  }
  return changed;
}

export function isDirty(s: Pick<NoteDraftState, 'saved' | 'fields' | 'created'>): boolean {
  if (!s.created) return s.fields.text.trim() !== '';
  return Object.keys(changedFields(s.saved, s.fields)).length > 0;
}
