/**
 * Screens per navigation entry. Each domain adds its screen here; the shell falls back to a
 * plain "not built yet" page for entries without one.
 */
import { lazy, type ComponentType } from 'react';
import type { ScreenName } from '../state/ui-store.js';
import { NotesScreen } from './NotesScreen.js';
import { CasesScreen } from './CasesScreen.js';
import { CaseScreen } from './CaseScreen.js';
import { FindingsScreen } from './FindingsScreen.js';
import { SearchScreen } from './SearchScreen.js';
import { ConflictsScreen } from './ConflictsScreen.js';
import { BundlesScreen } from './BundlesScreen.js';
import { ModerationScreen } from './ModerationScreen.js';
import { OutputsScreen } from './OutputsScreen.js';

export type InspectionScreen = ComponentType<{ inspectionId: string }>;

/** Screens with charts load on first use, so the charting library is not in the first chunk. */
const CoverageScreen = lazy(() => import('./CoverageScreen.js').then((m) => ({ default: m.CoverageScreen })));
const ProgressScreen = lazy(() => import('./ProgressScreen.js').then((m) => ({ default: m.ProgressScreen })));
const AgreementScreen = lazy(() => import('./AgreementScreen.js').then((m) => ({ default: m.AgreementScreen })));

export const screenRegistry: Partial<Record<ScreenName, InspectionScreen>> = {
  cases: CasesScreen,
  case: CaseScreen,
  notes: NotesScreen,
  findings: FindingsScreen,
  search: SearchScreen,
  coverage: CoverageScreen,
  progress: ProgressScreen,
  agreement: AgreementScreen,
  conflicts: ConflictsScreen,
  bundles: BundlesScreen,
  moderation: ModerationScreen,
  outputs: OutputsScreen,
};
