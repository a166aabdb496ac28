/** Every CLI command. Add a file per command (or group) and list it here. */
import type { CliCommand } from '../cli-support.js';
import { infoCommand } from './info.js';
import { backupCommand } from './backup.js';
import { restoreCommand } from './restore.js';
import { checkCommand } from './check.js';

export const cliCommands: readonly CliCommand[] = [infoCommand, backupCommand, restoreCommand, checkCommand];
