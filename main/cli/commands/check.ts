/** `fieldwork check --data DB`: PRAGMA integrity_check on a data file, as one line and an exit code. */
import { existsSync, rmSync, statSync } from 'node:fs';
import { checkStoreAt } from '../../services/store-files.js';
import { EXIT, parseCliArgs, type CliCommand } from '../cli-support.js';
import { storeFileFromArg } from './backup.js';

/**
 * A read-only connection to a WAL-mode file makes `-wal` and `-shm` beside it and cannot remove
 * them when it closes. The check must leave the folder as it found it: side files it made (none
 * were there before, and the `-wal` is still empty, so no other process wrote through them) are
 * removed afterwards.
 */
function withoutNewSideFiles<T>(storePath: string, work: () => T): T {
  const wal = `${storePath}-wal`;
  const shm = `${storePath}-shm`;
  const hadSideFiles = existsSync(wal) || existsSync(shm);
  try {
    return work();
  } finally {
    if (!hadSideFiles && existsSync(wal) && statSync(wal).size === 0) {
      rmSync(shm, { force: true });
      rmSync(wal, { force: true });
    }
  }
}

export const checkCommand: CliCommand = {
  name: 'check',
  usage: 'check --data DB',
  summary: 'check a data file or backup for damage (exit 0 ok, 4 damaged)',
  help: [
    'Runs SQLite’s full integrity check on a data file (read-only: nothing is written, and no',
    'side files are left beside it).',
    'Prints one line. Exit code 0 when it is sound, 4 when it is damaged or unreadable.',
    '  --data DB   the data file or backup to check (or a data folder)',
  ].join('\n'),
  async run(args) {
    const { values } = parseCliArgs(args, { data: { type: 'string' } }, false);
    const storePath = storeFileFromArg(values.data);
    const result = withoutNewSideFiles(storePath, () => checkStoreAt(storePath));
    if (result.ok) {
      process.stdout.write(`ok: ${storePath} passed the integrity check (schema ${result.schemaVersion}).\n`);
      return EXIT.ok;
    }
    process.stdout.write(`damaged: ${storePath} failed the integrity check: ${result.problem}\n`);
    return EXIT.store;
  },
};
