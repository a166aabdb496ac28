/** `fieldwork restore --data DB --from FILE [--force]`: replace a store with a checked backup. */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { AppError } from '../../../shared/errors.js';
import { restoreStoreFrom } from '../../services/store-files.js';
import { CliUsageError, parseCliArgs, type CliCommand } from '../cli-support.js';
import { locateData, requireRegularFile } from '../cli-files.js';

export const restoreCommand: CliCommand = {
  name: 'restore',
  usage: 'restore --data DB --from FILE [--force] [--create]',
  summary: 'restore a data file from a backup (the old file is kept aside)',
  help: [
    'Checks FILE with PRAGMA integrity_check, then puts a copy of it in place of DB. An existing',
    'DB is never deleted: it is moved to set-aside/ next to it, and put back if the restored file',
    'does not open. Quit Fieldwork before restoring its data file.',
    '  --data DB     the data file to restore (or a data folder)',
    '  --from FILE   the backup to restore from (e.g. one in the data folder’s backups/)',
    '  --force       replace an existing data file (it is kept in set-aside/)',
    '  --create      restore into a data folder that does not exist yet',
  ].join('\n'),
  async run(args) {
    const { values } = parseCliArgs(
      args,
      { data: { type: 'string' }, from: { type: 'string' }, force: { type: 'boolean' }, create: { type: 'boolean' } },
      false,
    );
    if (!values.from) throw new CliUsageError('restore needs --from FILE');
    const source = resolve(requireRegularFile(values.from, 'backup file'));
    const storePath = locateData(values.data, { create: values.create === true }).storeFile;
    if (existsSync(storePath) && !values.force) {
      throw new AppError(
        'conflict',
        `${storePath} already exists, so nothing was restored. Add --force to replace it (the current file is kept in set-aside/).`,
      );
    }
    const setAsidePath = restoreStoreFrom(storePath, source);
    process.stdout.write(
      `Restored ${storePath} from ${source}${setAsidePath ? `; the previous file is kept at ${setAsidePath}` : ''}.\n`,
    );
    return 0;
  },
};
