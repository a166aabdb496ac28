/** Shared by the bundle commands: opening a data store named by --data, passphrases, output. */
import { readFileSync } from 'node:fs';
import { AppError } from '../../../shared/errors.js';
import { CLI_HOLDER, openRuntime, type Runtime } from '../../services/runtime.js';
import { locateData, requireKeys, requireRegularFile } from '../cli-files.js';
import { CliUsageError, EXIT, exitCodeFor, printProgress, stderrLogger } from '../cli-support.js';

/** How long a command waits behind another fieldwork command on the same folder before it is refused. */
const CLI_LOCK_WAIT_MS = 10 * 60_000;

/** Exit code when an import would delete more than the threshold and --yes was not given. */
export const EXIT_NEEDS_CONFIRMATION = 5;

/**
 * Opens an existing store (folder or its .db file); never creates one for a mistyped path and
 * never writes a device key for a folder that has none (`create` makes a new one on purpose).
 */
export async function openExistingData(
  data: string | undefined,
  options: { backups?: boolean; create?: boolean; required?: boolean } = {},
): Promise<Runtime> {
  if (!data && options.required !== false) throw new CliUsageError('--data is required: the data folder or its .db file.');
  const paths = locateData(data, { create: options.create === true });
  requireKeys(paths);
  return openRuntime({
    dataDir: paths.dataDir,
    storeFile: paths.storeFile,
    log: stderrLogger,
    holder: CLI_HOLDER,
    // Two commands started together on one folder (two merges) take turns instead of one failing.
    lockQueue: {
      behind: [CLI_HOLDER],
      maxMs: CLI_LOCK_WAIT_MS,
      onWait: (holder) =>
        process.stderr.write(`Waiting for another fieldwork command on this data folder (process ${holder.pid}) to finish…\n`),
    },
    ...(options.backups === false ? { backups: false } : {}),
  });
}

export function readPassphrase(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  requireRegularFile(file, 'passphrase file');
  const text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  if (text.length === 0) throw new AppError('invalid_input', `The passphrase file ${file} is empty.`);
  return text;
}

/** A bundle or other input: a regular file, checked by type before it is opened (a FIFO would block for ever). */
export function requireFile(path: string | undefined, what = 'bundle file'): string {
  if (!path) throw new CliUsageError(`Name the ${what}.`);
  return requireRegularFile(path, what);
}

/** One error as the CLI reports it: code, reason (for bundles) and the sentence. */
export function describeError(error: unknown): { code: string; reason?: string; message: string; exit: number } {
  if (error instanceof AppError) {
    const reason = typeof error.details?.reason === 'string' ? error.details.reason : undefined;
    const exit = reason === 'needs-confirmation' ? EXIT_NEEDS_CONFIRMATION : exitCodeFor(error);
    return { code: error.code, ...(reason ? { reason } : {}), message: error.message, exit };
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error), exit: EXIT.failed };
}

export function progressFor(file: string) {
  return (done: number, total: number, stage: string) => printProgress(done, total, `${file}: ${stage}`);
}

export const writeJson = (value: unknown) => process.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
