/**
 * `fieldwork`: the command line for leads and admins. Runs under plain Node, calls the same
 * services as the app. Errors are one clear line on stderr, never a stack trace.
 *
 * Exit codes: 0 ok · 1 failed (the message says why) · 2 usage error · 3 invalid or
 * untrusted input (bad bundle, bad file) · 4 store problem (newer, corrupt, locked) ·
 * 5 confirmation needed (a merge would delete more records than the threshold; rerun with --yes).
 * A missing data folder or an existing `--to` is exit 1, checked before any work (cli-files.ts).
 */
import { AppError } from '../../shared/errors.js';
import { cliCommands } from './commands/index.js';
import { CliUsageError, exitCodeFor, type CliCommand } from './cli-support.js';
import { describeSystemError } from './cli-files.js';
import { makeOutputTerminalSafe } from './terminal-safe.js';

makeOutputTerminalSafe();

function usage(commands: readonly CliCommand[]): string {
  const lines = commands.map((c) => `  ${c.usage.padEnd(52)} ${c.summary}`);
  return [
    'Usage: fieldwork <command> [options]',
    '',
    'Commands:',
    ...lines,
    '',
    'Run fieldwork <command> --help for details.',
  ].join('\n');
}

async function main(argv: readonly string[]): Promise<number> {
  const match = cliCommands
    .map((command) => ({ command, words: command.name.split(' ') }))
    .filter(({ words }) => words.every((w, i) => argv[i] === w))
    .sort((a, b) => b.words.length - a.words.length)[0];
  if (!match) {
    const asked = argv[0];
    if (asked === undefined || asked === '--help' || asked === '-h' || asked === 'help') {
      process.stdout.write(`${usage(cliCommands)}\n`);
      return asked === undefined ? 2 : 0;
    }
    process.stderr.write(`fieldwork: unknown command "${argv.join(' ')}". Run fieldwork --help.\n`);
    return 2;
  }
  const rest = argv.slice(match.words.length);
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(`Usage: fieldwork ${match.command.usage}\n\n${match.command.help}\n`);
    return 0;
  }
  return match.command.run(rest);
}

main(process.argv.slice(2))
  .then((code) => {
    process.exitCode = code;
  })
  .catch((error: unknown) => {
    if (error instanceof CliUsageError) {
      process.stderr.write(`fieldwork: ${error.message}\n`);
      process.exitCode = 2;
      return;
    }
    const message =
      error instanceof AppError
        ? error.message
        : (describeSystemError(error) ??
          'unexpected failure: ' + (error instanceof Error ? error.message : String(error)).split('\n')[0]);
    process.stderr.write(`fieldwork: ${message}\n`);
    process.exitCode = exitCodeFor(error);
  });
