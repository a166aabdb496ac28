/**
 * Recovery screen state that outlives the damaged-store status: the summary of a finished
 * restore (shown until the user carries on) and whether the user asked to see the recovery
 * choices again while browsing a damaged store read-only.
 */
import { create } from 'zustand';
import type { CommandOutput } from '../../shared/api/index.js';

export type RestoreSummary = CommandOutput<'recovery.restore'>;

export interface RecoveryUiState {
  readonly summary: RestoreSummary | null;
  readonly choicesOpen: boolean;
  restoreFinished(summary: RestoreSummary): void;
  recoveryChoicesOpened(): void;
  recoveryDismissed(): void;
}

export const useRecoveryUi = create<RecoveryUiState>()((set) => ({
  summary: null,
  choicesOpen: false,
  restoreFinished: (summary) => set({ summary, choicesOpen: false }),
  recoveryChoicesOpened: () => set({ choicesOpen: true }),
  recoveryDismissed: () => set({ summary: null, choicesOpen: false }),
}));
