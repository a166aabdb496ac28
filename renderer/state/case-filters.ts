/** UI state of the sampled-cases list: its filters survive opening a case and coming back. */
import { create } from 'zustand';
import type { CaseStatus } from '../../shared/domain/vocabulary.js';

export interface CaseFilters {
  status: CaseStatus | 'all';
  /** A team member id, 'unallocated', or 'all'. */
  inspector: string;
  stage: string;
  showRemoved: boolean;
}

interface CaseFilterSlice {
  filters: CaseFilters;
  caseFiltersChanged: (change: Partial<CaseFilters>) => void;
  caseFiltersCleared: () => void;
}

const NO_FILTERS: CaseFilters = { status: 'all', inspector: 'all', stage: 'all', showRemoved: false };

export const useCaseFilters = create<CaseFilterSlice>()((set) => ({
  filters: NO_FILTERS,
  caseFiltersChanged: (change) => set((state) => ({ filters: { ...state.filters, ...change } })),
  caseFiltersCleared: () => set({ filters: NO_FILTERS }),
}));
