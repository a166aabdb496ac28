/**
 * The handler map: one entry per command in shared/api. `satisfies Handlers` makes a command
 * without a handler a compile error. Add a domain's handlers by spreading its group here.
 */
import type { Handlers } from './context.js';
import { inspectionHandlers } from './inspections.js';
import { caseHandlers } from './cases.js';
import { purgeHandlers } from './purge.js';
import { outputHandlers } from './outputs.js';
import { moderationHandlers } from './moderation.js';
import { evidenceHandlers } from './evidence.js';
import { escalationHandlers } from './escalations.js';
import { findingHandlers } from './findings.js';
import { searchHandlers } from './search.js';
import { coverageHandlers } from './coverage.js';
import { conflictHandlers } from './conflicts.js';
import { bundleHandlers } from './bundles.js';
import { backupHandlers } from './backups.js';
import { syncHandlers } from './sync.js';

export const handlers = {
  ...inspectionHandlers,
  ...caseHandlers,
  ...purgeHandlers,
  ...outputHandlers,
  ...moderationHandlers,
  ...evidenceHandlers,
  ...escalationHandlers,
  ...findingHandlers,
  ...searchHandlers,
  ...coverageHandlers,
  ...conflictHandlers,
  ...bundleHandlers,
  ...backupHandlers,
  ...syncHandlers,
} satisfies Handlers;
