/**
 * The queue of bundle files being imported (picked or dropped, several at once). UI state only:
 * each file's stage, its preview, its result or plain-words refusal. The store's data (history,
 * inspections) is fetched through renderer/api/hooks.ts, never mirrored here. The queue is
 * worked through in order by BundleDrop, which is always mounted, so it survives navigation.
 */
import { create } from 'zustand';
import type { BundleImportResultT, BundlePreviewT } from '../../shared/api/bundles.js';

export type ImportStage =
  | 'waiting'
  | 'previewing'
  | 'needs_passphrase'
  | 'needs_confirmation'
  | 'ready'
  | 'importing'
  | 'imported'
  | 'already_imported'
  | 'refused'
  | 'skipped';

export const FINISHED_STAGES: ReadonlySet<ImportStage> = new Set(['imported', 'already_imported', 'refused', 'skipped']);

export interface ImportEntry {
  readonly id: number;
  readonly file: File;
  /** The inspection open when the file was added: bundles for other inspections are refused. */
  readonly inspectionId: string | null;
  readonly stage: ImportStage;
  readonly preview?: BundlePreviewT;
  readonly passphrase?: string;
  readonly confirmDeletions?: boolean;
  readonly trustLead?: string;
  readonly result?: BundleImportResultT;
  /** A refusal or a hint, in plain words. */
  readonly message?: string;
  readonly progress?: { readonly done: number; readonly total: number; readonly stage: string };
}

export interface BundleImportState {
  entries: readonly ImportEntry[];
  /** Files chosen with no inspection open (joining a team) are shown in a dialog. */
  joinDialogOpen: boolean;
  joinDialogClosed: () => void;
  filesAdded: (files: readonly File[], inspectionId: string | null) => void;
  entryUpdated: (id: number, patch: Partial<Omit<ImportEntry, 'id' | 'file'>>) => void;
  finishedCleared: () => void;
}

let nextId = 0;

export const useBundleImports = create<BundleImportState>()((set) => ({
  entries: [],
  joinDialogOpen: false,
  joinDialogClosed: () => set({ joinDialogOpen: false }),
  filesAdded: (files, inspectionId) =>
    set((state) => ({
      joinDialogOpen: state.joinDialogOpen || inspectionId === null,
      entries: [
        ...state.entries,
        ...files.map((file): ImportEntry => {
          nextId += 1;
          return { id: nextId, file, inspectionId, stage: 'waiting' };
        }),
      ],
    })),
  entryUpdated: (id, patch) =>
    set((state) => ({ entries: state.entries.map((entry) => (entry.id === id ? { ...entry, ...patch } : entry)) })),
  finishedCleared: () => set((state) => ({ entries: state.entries.filter((entry) => !FINISHED_STAGES.has(entry.stage)) })),
}));

/** The entry the queue is on: the first not finished. Later files wait so chains import in order. */
export function currentEntry(entries: readonly ImportEntry[]): ImportEntry | undefined {
  return entries.find((entry) => !FINISHED_STAGES.has(entry.stage));
}
