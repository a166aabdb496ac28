/** `fieldwork check --data DB`: PRAGMA integrity_check on a data file, as one line and an exit code. */
import { checkStoreFile } from '../../store/integrity.js';
import { EXIT, parseCliArgs, storeKeyFor, type CliCommand } from '../cli-support.js';
import { storeFileFromArg } from './backup.js';

export const checkCommand: CliCommand = {
  name: 'check',
  usage: 'check --data DB',
  summary: 'check a data file or backup for damage (exit 0 ok, 4 damaged)',
  help: [
    'Runs SQLite’s full integrity check on a data file (read-only: nothing is written).',
    'Prints one line. Exit code 0 when it is sound, 4 when it is damaged or unreadable.',
    '  --data DB   the data file or backup to check (or a data folder)',
  ].join('\n'),
  async run(args) {
    const { values } = parseCliArgs(args, { data: { type: 'string' } }, false);
    const storePath = storeFileFromArg(values.data);
    const result = checkStoreFile(storePath, 'full', { key: storeKeyFor(storePath) });
    if (result.ok) {
      process.stdout.write(`ok: ${storePath} passed the integrity check (schema ${result.schemaVersion}).\n`);
      return EXIT.ok;
    }
    process.stdout.write(`damaged: ${storePath} failed the integrity check: ${result.problem}\n`);
    return EXIT.store;
  },
};
