/**
 * The handler map: one entry per command in shared/api. `satisfies Handlers` makes a command
 * without a handler a compile error. Add a domain's handlers by spreading its group here.
 */
import type { Handlers } from './context.js';
import { inspectionHandlers } from './inspections.js';
import { conflictHandlers } from './conflicts.js';
import { bundleHandlers } from './bundles.js';

export const handlers = {
  ...inspectionHandlers,
  ...conflictHandlers,
  ...bundleHandlers,
} satisfies Handlers;
