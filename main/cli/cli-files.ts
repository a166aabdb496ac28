/**
 * The CLI's paths, checked before any work is done, so an ordinary mistake (a mistyped folder,
 * the .db file where a folder was expected, an existing or unwritable `--to`, a FIFO named as a
 * bundle) is refused with one sentence and touches nothing: no new identity, no new store, no
 * overwritten file, no hang.
 */
import { closeSync, existsSync, linkSync, lstatSync, openSync, rmSync, statSync, type Stats } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors.js';
import { KEY_FILE, resolveDataDir, STORE_FILE } from '../services/runtime.js';
import { renameDurably, syncFolder } from '../store/durable-file.js';

export interface DataPaths {
  readonly dataDir: string;
  readonly storeFile: string;
  /** The folder did not exist and `--create` asked for a new one. */
  readonly creating: boolean;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a named pipe (FIFO)';
  if (stats.isSocket()) return 'a socket';
  if (stats.isCharacterDevice() || stats.isBlockDevice()) return 'a device';
  if (stats.isDirectory()) return 'a folder';
  return 'not a regular file';
}

function statOrNull(path: string): Stats | null {
  try {
    return statSync(path);
  } catch {
    return null;
  }
}

/**
 * `--data` names a data folder or the store file in it (any name: `fieldwork.db`, a backup).
 * Without it: FIELDWORK_DATA, then ~/.fieldwork. A folder that does not exist is refused unless
 * `create` is set (`--create`), so a typo never makes a second identity.
 */
export function locateData(data: string | undefined, options: { create?: boolean } = {}): DataPaths {
  const given = data === undefined || data === '' ? resolveDataDir([], process.env) : resolve(data);
  const stats = statOrNull(given);
  if (stats?.isDirectory()) return { dataDir: given, storeFile: join(given, STORE_FILE), creating: false };
  if (stats?.isFile()) return { dataDir: dirname(given), storeFile: given, creating: false };
  if (stats) throw new AppError('invalid_input', `${given} is ${kindOf(stats)}, not a Fieldwork data folder or data file.`);
  const namesFile = given.toLowerCase().endsWith('.db');
  const dataDir = namesFile ? dirname(given) : given;
  const storeFile = namesFile ? given : join(given, STORE_FILE);
  if (options.create) {
    const parent = statOrNull(dirname(dataDir));
    if (!existsSync(dataDir) && !parent?.isDirectory())
      throw new AppError('not_found', `The folder ${dirname(dataDir)} does not exist, so no data folder was made in it.`);
    return { dataDir, storeFile, creating: true };
  }
  throw new AppError(
    'not_found',
    namesFile
      ? `There is no Fieldwork data file at ${storeFile}; nothing was changed (check the path, or add --create to start a new one).`
      : `There is no Fieldwork data folder at ${dataDir}; nothing was changed (check the path, or add --create to make a new one).`,
  );
}

/**
 * An existing store must come with its device keys: without them a new identity would be made
 * and the store could not be opened. Refused before anything is written.
 */
export function requireKeys(paths: DataPaths): void {
  if (paths.creating) return;
  if (!existsSync(paths.storeFile))
    throw new AppError(
      'not_found',
      `There is no Fieldwork data file at ${paths.storeFile}; nothing was changed (add --create to start a new one).`,
    );
  if (!existsSync(join(paths.dataDir, KEY_FILE)))
    throw new AppError(
      'store_locked',
      `${paths.dataDir} has no ${KEY_FILE}, so its data file cannot be opened from the command line (a desktop app's keys are in the system keychain); nothing was written.`,
    );
}

/** An input file (bundle, backup, passphrase): it must exist and be a regular file; a FIFO is refused before it is opened. */
export function requireRegularFile(path: string | undefined, what: string): string {
  if (!path) throw new AppError('invalid_input', `Name the ${what}.`);
  const stats = statOrNull(path);
  if (!stats) throw new AppError('not_found', `The ${what} ${path} does not exist.`);
  if (!stats.isFile())
    throw new AppError('invalid_input', `The ${what} ${path} is ${kindOf(stats)}, not a file; nothing was read.`);
  return path;
}

/**
 * Checks `--to` before any work: its folder exists and takes a new file (by making and removing
 * one), and the file itself does not exist unless `force`. Returns the absolute path.
 */
export function checkTarget(to: string, force: boolean): string {
  const target = resolve(to);
  const existing = (() => {
    try {
      return lstatSync(target);
    } catch {
      return null;
    }
  })();
  if (existing && !existing.isFile())
    throw new AppError('invalid_input', `${target} is ${kindOf(existing)}; name a file to write; nothing was written.`);
  if (existing && !force)
    throw new AppError(
      'conflict',
      `${target} already exists; nothing was written (choose another name, or add --force to replace it).`,
    );
  const folder = dirname(target);
  const folderStats = statOrNull(folder);
  if (!folderStats) throw new AppError('not_found', `The folder ${folder} does not exist; nothing was written.`);
  if (!folderStats.isDirectory()) throw new AppError('invalid_input', `${folder} is not a folder; nothing was written.`);
  const probe = join(folder, `.${basename(target)}.probe-${process.pid}`);
  try {
    closeSync(openSync(probe, 'wx', 0o600));
    rmSync(probe, { force: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    // The folder was just seen, so "does not exist" here means it takes no new files (/proc).
    const reason = code === 'ENOENT' ? 'it does not take new files' : reasonFor(code);
    throw new AppError('io_failed', `Cannot write in ${folder} (${reason}); nothing was written.`);
  }
  return target;
}

/** Moves a finished temporary file to `target`: never over an existing file unless `force`. */
export function placeFile(temp: string, target: string, force: boolean): void {
  if (force) {
    renameDurably(temp, target);
    return;
  }
  try {
    linkSync(temp, target);
  } catch (error) {
    rmSync(temp, { force: true });
    if ((error as NodeJS.ErrnoException).code === 'EEXIST')
      throw new AppError(
        'conflict',
        `${target} appeared while it was being written; it was left as it was (add --force to replace it).`,
      );
    throw error;
  }
  rmSync(temp, { force: true });
  syncFolder(dirname(target));
}

const REASONS: Record<string, string> = {
  EACCES: 'permission denied',
  EPERM: 'not permitted',
  EROFS: 'the disk is read-only',
  ENOSPC: 'the disk is full',
  EDQUOT: 'the disk quota is used up',
  ENOENT: 'it does not exist',
  ENOTDIR: 'a part of the path is not a folder',
  EISDIR: 'it is a folder',
  EEXIST: 'it already exists',
  EBUSY: 'it is in use',
};

export function reasonFor(code: string): string {
  return REASONS[code] ?? code;
}

/** A Node file-system error as one sentence (never the raw "ENOENT: no such file…, open '…'"). */
export function describeSystemError(error: unknown): string | null {
  const e = error as NodeJS.ErrnoException | null;
  if (!e || typeof e.code !== 'string' || !/^E[A-Z]+$/.test(e.code)) return null;
  const where = e.path ? ` ${e.path}` : '';
  const verb = e.syscall === 'open' || e.syscall === 'read' ? 'open' : e.syscall === 'mkdir' ? 'make the folder' : 'use';
  return `Could not ${verb}${where} (${reasonFor(e.code)}).`;
}
