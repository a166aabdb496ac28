/** `fieldwork backup --data DB --to FILE`: a consistent, checked copy of a store. */
import { existsSync, statSync } from 'node:fs';
import { AppError } from '../../../shared/errors.js';
import { checkTarget, locateData } from '../cli-files.js';
import { backupStoreAt } from '../../services/store-files.js';
import { CliUsageError, parseCliArgs, type CliCommand } from '../cli-support.js';

/** `--data` names the store file or its data folder; a path that is not there is refused. */
export function storeFileFromArg(data: string | undefined): string {
  const paths = locateData(data);
  if (!existsSync(paths.storeFile)) throw new AppError('not_found', `There is no data file at ${paths.storeFile}.`);
  return paths.storeFile;
}

export const backupCommand: CliCommand = {
  name: 'backup',
  usage: 'backup --data DB --to FILE [--force]',
  summary: 'write a consistent, checked copy of a data file',
  help: [
    'Copies the data file with SQLite’s online backup (Fieldwork may keep running), then checks',
    'the copy with PRAGMA integrity_check.',
    '  --data DB    the data file (or a data folder; default: FIELDWORK_DATA or ~/.fieldwork)',
    '  --to FILE    where to write the copy',
    '  --force      replace FILE if it already exists',
  ].join('\n'),
  async run(args) {
    const { values } = parseCliArgs(
      args,
      { data: { type: 'string' }, to: { type: 'string' }, force: { type: 'boolean' } },
      false,
    );
    if (!values.to) throw new CliUsageError('backup needs --to FILE');
    const storePath = storeFileFromArg(values.data);
    const target = checkTarget(values.to, values.force === true);
    await backupStoreAt(storePath, target);
    const kb = Math.max(1, Math.round(statSync(target).size / 1024));
    process.stdout.write(`Backed up ${storePath} to ${target} (${kb} KB, integrity check ok).\n`);
    return 0;
  },
};
