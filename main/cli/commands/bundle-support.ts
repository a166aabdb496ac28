/** Shared by the bundle commands: opening a data store named by --data, passphrases, output. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AppError } from '../../../shared/errors.js';
import { dataLocation, openRuntime, CLI_HOLDER, STORE_FILE, type Runtime } from '../../services/runtime.js';
import { isRejection } from '../../sync/bundle-format.js';
import { CliUsageError, EXIT, exitCodeFor, printProgress, stderrLogger } from '../cli-support.js';

/** Exit code when an import would delete more than the threshold and --yes was not given. */
export const EXIT_NEEDS_CONFIRMATION = 5;

/** Opens an existing store; never creates one for a mistyped path. */
export async function openExistingData(data: string | undefined, options: { backups?: boolean } = {}): Promise<Runtime> {
  if (!data) throw new CliUsageError('--data is required: the data folder or its .db file.');
  const location = dataLocation(data);
  const storeFile = location.storeFile ?? join(location.dataDir, STORE_FILE);
  if (!existsSync(storeFile)) throw new AppError('not_found', `There is no Fieldwork data file at ${storeFile}.`);
  return openRuntime({
    ...location,
    log: stderrLogger,
    holder: CLI_HOLDER,
    ...(options.backups === false ? { backups: false } : {}),
  });
}

export function readPassphrase(file: string | undefined): string | undefined {
  if (file === undefined) return undefined;
  if (!existsSync(file)) throw new AppError('not_found', `The passphrase file ${file} does not exist.`);
  const text = readFileSync(file, 'utf8').replace(/\r?\n$/, '');
  if (text.length === 0) throw new AppError('invalid_input', `The passphrase file ${file} is empty.`);
  return text;
}

export function requireFile(path: string | undefined, what = 'bundle file'): string {
  if (!path) throw new CliUsageError(`Name the ${what}.`);
  if (!existsSync(path)) throw new AppError('not_found', `The ${what} ${path} does not exist.`);
  return path;
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

export { isRejection };
