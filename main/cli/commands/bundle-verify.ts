/** `fieldwork bundle verify FILE`: check every signature, hash and change in a bundle. Imports nothing. */
import { checkBundleWithPassphrase } from '../../services/cli-commands.js';
import { invokeCli } from '../../services/dispatch.js';
import { CliUsageError, EXIT, parseCliArgs, type CliCommand } from '../cli-support.js';
import { openExistingData, progressFor, readPassphrase, requireFile, writeJson } from './bundle-support.js';

const OPTIONS = {
  data: { type: 'string' },
  'passphrase-file': { type: 'string' },
  json: { type: 'boolean' },
} as const;

export const bundleVerifyCommand: CliCommand = {
  name: 'bundle verify',
  usage: 'bundle verify FILE --data DB [--json]',
  summary: 'check a bundle completely (signatures, hashes, roster, chain) without importing it',
  help: [
    'Checks the whole bundle: its format, the signer’s signature, every change’s signature and',
    'contents, the hashes, and — with --data — that every author is on the team and that no',
    'earlier changes are missing. Prints what importing it would do. Nothing is written.',
    'With only --passphrase-file the team roster and the chain cannot be checked (there is no store).',
    '  --data DB              the data folder or .db file to check against',
    '  --passphrase-file F    a file holding the passphrase of a USB hand-off bundle',
    '  --json                 machine-readable output',
    'Exit codes: 0 valid · 2 usage · 3 invalid or untrusted (the reason is printed) · 4 store problem.',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseCliArgs(args, OPTIONS);
    if (positionals.length !== 1) throw new CliUsageError('Name exactly one bundle file.');
    const file = requireFile(positionals[0]);
    const passphrase = readPassphrase(values['passphrase-file']);
    if (!values.data && !passphrase) throw new CliUsageError('Give --data (to check against a store) or --passphrase-file.');
    if (!values.data) {
      const check = await checkBundleWithPassphrase(file, passphrase, progressFor(file));
      if (values.json) writeJson({ file, valid: true, rosterChecked: false, ...check });
      else
        process.stdout.write(
          `valid: ${file}: ${check.changesets} changesets, ${check.ops} ops, every signature and hash checked (team roster not checked without --data).\n`,
        );
      return EXIT.ok;
    }
    const runtime = await openExistingData(values.data, { backups: false });
    try {
      const preview = await invokeCli(
        runtime.ctx,
        'cli.bundles.verify',
        { file, fileName: file, ...(passphrase ? { passphrase } : {}) },
        { onProgress: progressFor(file) },
      );
      if (values.json) {
        writeJson({ file, valid: preview.unknownAuthors.length === 0, rosterChecked: true, ...preview });
      } else if (preview.unknownAuthors.length > 0) {
        process.stdout.write(
          `untrusted: ${file}: signed by device(s) not on the team: ${preview.unknownAuthors.map((a) => a.fingerprint).join(', ')}\n`,
        );
      } else {
        process.stdout.write(
          `valid: ${file}: ${preview.changesets} changesets; importing would add ${preview.newOps} new ops, update ${preview.updatedFields} fields, raise ${preview.newConflicts} conflicts and delete ${preview.deletions} records${preview.alreadyImported ? ' (already imported)' : ''}${preview.isJoin ? ' (joins a new inspection)' : ''}.\n`,
        );
      }
      return preview.unknownAuthors.length > 0 ? EXIT.badInput : EXIT.ok;
    } finally {
      runtime.close();
    }
  },
};
