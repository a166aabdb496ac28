/** `fieldwork bundle inspect FILE`: the signed manifest of a bundle (who, what, how much). Imports nothing. */
import type { CliCommandOutput } from '../../../shared/api/cli.js';
import { inspectBundleWithPassphrase } from '../../services/cli-commands.js';
import { invokeCli } from '../../services/dispatch.js';
import { CliUsageError, EXIT, parseCliArgs, type CliCommand } from '../cli-support.js';
import { openExistingData, readPassphrase, requireFile, writeJson } from './bundle-support.js';

const OPTIONS = {
  data: { type: 'string' },
  'passphrase-file': { type: 'string' },
  json: { type: 'boolean' },
} as const;

function describe(file: string, { bundleId, manifest: m, people }: CliCommandOutput<'cli.bundles.inspect'>): string {
  const who = (author: string) =>
    `${people[author]?.fingerprint ?? ''}  ${people[author]?.name ?? '(name not known on this laptop)'}`;
  return [
    `Bundle:        ${file}`,
    `Bundle id:     ${bundleId}`,
    `Format:        ${m.format} (data schema ${m.schema})`,
    `Inspection:    ${m.inspection}  ${m.localAuthority ?? ''}`.trimEnd(),
    `Signed by:     ${who(m.exporter)}`,
    `Created:       ${m.createdAt}`,
    `Kind:          ${m.mode === 'full' ? 'full export' : 'changes since the last acknowledged bundle'}`,
    `Encrypted to:  ${m.recipients[0] === 'passphrase' ? 'a passphrase' : `${m.recipients.length} team key(s)`}`,
    `Changesets:    ${m.changesets}`,
    `Ops:           ${m.ops}`,
    'Authors:',
    ...m.ranges.map((r) => `  ${who(r.author)}  changes ${r.first}–${r.last} (${r.count})`),
  ].join('\n');
}

export const bundleInspectCommand: CliCommand = {
  name: 'bundle inspect',
  usage: 'bundle inspect FILE --data DB [--json]',
  summary: 'show a bundle’s signed manifest: signer, inspection, counts (imports nothing)',
  help: [
    'Decrypts the bundle and shows its manifest after checking the signer’s signature on it.',
    'Nothing is imported and nothing is written. To check every change in it, use bundle verify.',
    '  --data DB              the data folder or .db file whose device key opens the bundle',
    '  --passphrase-file F    a file holding the passphrase of a USB hand-off bundle',
    '  --json                 machine-readable output',
    'Exit codes: 0 shown · 2 usage · 3 not a valid bundle (the reason is printed) · 4 store problem.',
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseCliArgs(args, OPTIONS);
    if (positionals.length !== 1) throw new CliUsageError('Name exactly one bundle file.');
    const file = requireFile(positionals[0]);
    const passphrase = readPassphrase(values['passphrase-file']);
    if (!values.data && !passphrase) throw new CliUsageError('Give --data (whose key opens the bundle) or --passphrase-file.');
    const runtime = values.data ? await openExistingData(values.data, { backups: false }) : null;
    try {
      const opened = runtime
        ? await invokeCli(runtime.ctx, 'cli.bundles.inspect', { file, ...(passphrase ? { passphrase } : {}) })
        : await inspectBundleWithPassphrase(file, passphrase as string);
      const { manifest } = opened;
      const signer = opened.people[manifest.exporter];
      if (values.json) {
        writeJson({
          file,
          bundleId: opened.bundleId,
          signer: { author: manifest.exporter, fingerprint: signer?.fingerprint, name: signer?.name ?? null },
          manifest,
        });
      } else {
        process.stdout.write(`${describe(file, opened)}\n`);
      }
      return EXIT.ok;
    } finally {
      runtime?.close();
    }
  },
};
