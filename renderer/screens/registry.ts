/**
 * Screens per navigation entry. Each domain adds its screen here; the shell falls back to a
 * plain "not built yet" page for entries without one.
 */
import type { ComponentType } from 'react';
import type { ScreenName } from '../state/ui-store.js';
import { ConflictsScreen } from './ConflictsScreen.js';

export type InspectionScreen = ComponentType<{ inspectionId: string }>;

export const screenRegistry: Partial<Record<ScreenName, InspectionScreen>> = {
  conflicts: ConflictsScreen,
};
