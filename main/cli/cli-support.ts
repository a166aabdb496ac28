/** Shared plumbing for CLI commands: argument parsing, opening a store, exit codes. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { AppError } from '../../shared/errors.js';
import type { Logger } from '../services/context.js';

export interface CliCommand {
  /** One or two words, e.g. "bundle verify". */
  readonly name: string;
  readonly usage: string;
  readonly summary: string;
  readonly help: string;
  run(args: readonly string[]): Promise<number>;
}

export class CliUsageError extends Error {}

export const EXIT = { ok: 0, failed: 1, usage: 2, badInput: 3, store: 4 } as const;

export function exitCodeFor(error: unknown): number {
  if (!(error instanceof AppError)) return EXIT.failed;
  switch (error.code) {
    case 'invalid_input':
    case 'bundle_invalid':
    case 'bundle_from_future':
    case 'forbidden':
      return EXIT.badInput;
    case 'store_from_future':
    case 'store_corrupt':
    case 'store_locked':
      return EXIT.store;
    default:
      return EXIT.failed;
  }
}

export function parseCliArgs<T extends NonNullable<ParseArgsConfig['options']>>(
  args: readonly string[],
  options: T,
  allowPositionals = true,
) {
  try {
    return parseArgs({ args: [...args], options, allowPositionals, strict: true });
  } catch (error) {
    // Node's messages run to several sentences ("… To specify a positional argument …"): keep the first.
    const message = error instanceof Error ? error.message : String(error);
    const first = (message.split(/(?<=\.)\s+(?=[A-Z])/)[0] ?? message).replace(/\.$/, '');
    throw new CliUsageError(`${first} (see --help).`);
  }
}

/** Progress and warnings go to stderr so stdout stays clean for results and --json. */
export const stderrLogger: Logger = {
  info: () => undefined,
  warn: (message) => process.stderr.write(`fieldwork: warning: ${message}\n`),
  error: (message) => process.stderr.write(`fieldwork: ${message}\n`),
};

export function printProgress(done: number, total: number, stage: string): void {
  if (!process.stderr.isTTY && total > 0 && done !== total && done % Math.max(1, Math.floor(total / 10)) !== 0) return;
  process.stderr.write(`${stage}: ${done}/${total}\n`);
}
