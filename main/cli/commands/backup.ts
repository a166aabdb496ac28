/** `fieldwork backup --data DB --to FILE`: a consistent, checked copy of a store. */
import { existsSync, statSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AppError } from '../../../shared/errors.js';
import { STORE_FILE, resolveDataDir } from '../../services/runtime.js';
import { backupStoreFile } from '../../store/backup.js';
import { CliUsageError, parseCliArgs, storeKeyFor, type CliCommand } from '../cli-support.js';

/** `--data` names the store file; a data folder is accepted too (its fieldwork.db is used). */
export function storeFileFromArg(data: string | undefined): string {
  const given = data === undefined ? resolveDataDir([], process.env) : resolve(data);
  const isFolder = existsSync(given) ? statSync(given).isDirectory() : !given.endsWith('.db');
  return isFolder ? join(given, STORE_FILE) : given;
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
    const target = resolve(values.to);
    if (!existsSync(storePath)) throw new AppError('not_found', `There is no data file at ${storePath}.`);
    if (existsSync(target) && !values.force) {
      throw new AppError('conflict', `${target} already exists. Choose another name, or add --force to replace it.`);
    }
    await backupStoreFile(storePath, target, { key: storeKeyFor(storePath) });
    const kb = Math.max(1, Math.round(statSync(target).size / 1024));
    process.stdout.write(`Backed up ${storePath} to ${target} (${kb} KB, integrity check ok).\n`);
    return 0;
  },
};
