/**
 * The API contract: every command the UI, the CLI and tests can call, in one map.
 * Add a domain by writing shared/api/<domain>.ts and spreading it here; main/services
 * must then implement it (a missing handler is a compile error there).
 */
import type { z } from 'zod';
import type { CommandSpec } from './command.js';
import { inspectionCommands } from './inspections.js';
import { caseCommands } from './cases.js';
import { purgeCommands } from './purge.js';
import { outputCommands } from './outputs.js';
import { moderationCommands } from './moderation.js';
import { evidenceCommands } from './evidence.js';
import { escalationCommands } from './escalations.js';
import { findingCommands } from './findings.js';
import { searchCommands } from './search.js';
import { coverageCommands } from './coverage.js';
import { conflictCommands } from './conflicts.js';
import { bundleCommands } from './bundles.js';
import { backupCommands } from './backups.js';
import { syncCommands } from './sync.js';

export const commands = {
  ...inspectionCommands,
  ...caseCommands,
  ...purgeCommands,
  ...outputCommands,
  ...moderationCommands,
  ...evidenceCommands,
  ...escalationCommands,
  ...findingCommands,
  ...searchCommands,
  ...coverageCommands,
  ...conflictCommands,
  ...bundleCommands,
  ...backupCommands,
  ...syncCommands,
} as const satisfies Record<string, CommandSpec>;

export type Commands = typeof commands;
export type CommandName = keyof Commands;
export type CommandInput<K extends CommandName> = z.input<Commands[K]['input']>;
export type ParsedInput<K extends CommandName> = z.output<Commands[K]['input']>;
export type CommandOutput<K extends CommandName> = z.output<Commands[K]['output']>;

export function isCommandName(name: string): name is CommandName {
  return Object.prototype.hasOwnProperty.call(commands, name);
}

export type { CommandSpec, ProgressEvent } from './command.js';
