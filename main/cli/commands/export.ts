/** `fieldwork export --data DB --inspection ID --to FILE`: write a bundle file for an inspection. */
import { invokeCli } from '../../services/dispatch.js';
import { basename, dirname, join } from 'node:path';
import { CliUsageError, EXIT, parseCliArgs, type CliCommand } from '../cli-support.js';
import { checkTarget, placeFile } from '../cli-files.js';
import { requireInspectionArg } from './info.js';
import { openExistingData, progressFor, readPassphrase, writeJson } from './bundle-support.js';

const OPTIONS = {
  data: { type: 'string' },
  inspection: { type: 'string' },
  to: { type: 'string' },
  full: { type: 'boolean' },
  'passphrase-file': { type: 'string' },
  force: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

export const exportCommand: CliCommand = {
  name: 'export',
  usage: 'export --data DB --inspection ID --to FILE [--full] [--force]',
  summary: 'write a signed, encrypted bundle of an inspection’s changes',
  help: [
    'Writes the changes the team has not acknowledged yet (or everything with --full) to FILE,',
    'signed by this device and encrypted to every team member’s key (or to a passphrase).',
    'The file appears complete or not at all (written to FILE.tmp, flushed, then renamed).',
    '  --data DB              the data folder or .db file to export from',
    '  --inspection ID        the inspection (see fieldwork info)',
    '  --to FILE              where to write the bundle (.fwbundle); checked before any work',
    '  --force                replace FILE if it exists (otherwise an existing FILE is never touched)',
    '  --full                 everything, for recovery, not just the unacknowledged changes',
    '  --passphrase-file F    encrypt to the passphrase in F (USB hand-off) instead of the team',
    '  --json                 machine-readable summary',
    'Exit codes: 0 written · 1 failed (no data folder, FILE exists, folder not writable) · 2 usage · 4 store problem.',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseCliArgs(args, OPTIONS, false);
    if (positionals.length > 0) throw new CliUsageError('export takes no file arguments; use --to FILE.');
    if (!values.inspection) throw new CliUsageError('--inspection is required.');
    if (!values.to) throw new CliUsageError('--to is required: where to write the bundle.');
    const inspectionId = requireInspectionArg(values.inspection);
    const force = values.force === true;
    const target = checkTarget(values.to, force);
    const passphrase = readPassphrase(values['passphrase-file']);
    const runtime = await openExistingData(values.data);
    try {
      // Written under a private name beside FILE, then moved into place without replacing anything.
      const staging = join(dirname(target), `.${basename(target)}.export-${process.pid}`);
      const result = await invokeCli(
        runtime.ctx,
        'cli.bundles.export',
        { inspectionId, mode: values.full ? 'full' : 'delta', ...(passphrase ? { passphrase } : {}), file: staging },
        { onProgress: progressFor(values.to) },
      );
      placeFile(staging, target, force);
      const summary = {
        file: target,
        bundleId: result.bundleId,
        changesets: result.changesets,
        ops: result.ops,
        size: result.size,
      };
      if (values.json) writeJson(summary);
      else
        process.stdout.write(`exported ${result.changesets} changesets (${result.ops} ops, ${result.size} bytes) to ${target}\n`);
      return EXIT.ok;
    } finally {
      runtime.close();
    }
  },
};
