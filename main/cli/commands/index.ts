/** Every CLI command. Add a file per command (or group) and list it here. */
import type { CliCommand } from '../cli-support.js';
import { infoCommand } from './info.js';
import { caseSampleCommand, evidenceLogCommand, letterCommand } from './outputs.js';
import { backupCommand } from './backup.js';
import { restoreCommand } from './restore.js';
import { checkCommand } from './check.js';
import { bundleInspectCommand } from './bundle-inspect.js';
import { bundleVerifyCommand } from './bundle-verify.js';
import { mergeCommand } from './merge.js';
import { exportCommand } from './export.js';

export const cliCommands: readonly CliCommand[] = [
  infoCommand,
  letterCommand,
  evidenceLogCommand,
  caseSampleCommand,
  backupCommand,
  restoreCommand,
  checkCommand,
  bundleInspectCommand,
  bundleVerifyCommand,
  mergeCommand,
  exportCommand,
];
