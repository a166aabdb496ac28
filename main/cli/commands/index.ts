/** Every CLI command. Add a file per command (or group) and list it here. */
import type { CliCommand } from '../cli-support.js';
import { infoCommand } from './info.js';

export const cliCommands: readonly CliCommand[] = [infoCommand];
