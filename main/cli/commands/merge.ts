/**
 * `fieldwork merge --data DB FILE...`: import bundles into a store, each in its own transaction.
 * Files may come in any order: a bundle refused only because earlier changes were missing
 * ('chain-gap') is retried after the others.
 */
import type { CliCommandOutput } from '../../../shared/api/cli.js';
import { invokeCli } from '../../services/dispatch.js';
import { CliUsageError, EXIT, parseCliArgs, type CliCommand } from '../cli-support.js';
import {
  describeError,
  EXIT_NEEDS_CONFIRMATION,
  openExistingData,
  progressFor,
  readPassphrase,
  requireFile,
  writeJson,
} from './bundle-support.js';

const OPTIONS = {
  data: { type: 'string' },
  'passphrase-file': { type: 'string' },
  'trust-lead': { type: 'string' },
  yes: { type: 'boolean' },
  create: { type: 'boolean' },
  json: { type: 'boolean' },
} as const;

type ImportSummary = CliCommandOutput<'cli.bundles.merge'>;

type FileResult =
  | { file: string; status: 'imported' | 'already_imported'; summary: ImportSummary }
  | { file: string; status: 'refused'; error: ReturnType<typeof describeError> };

function line(result: FileResult): string {
  if (result.status === 'refused') return `refused           ${result.file}: ${result.error.message}`;
  const s = result.summary;
  if (result.status === 'already_imported') return `already imported  ${result.file}: 0 changes`;
  const head = `imported          ${result.file}: ${s.newOps} new ops, ${s.updatedFields} fields updated, ${s.newConflicts} new conflicts, ${s.deletions} deletions`;
  const notes = s.notices.map((notice) => `  note: ${notice.message}`);
  // Changes the authority model kept out (docs/authority.md), each named with its member.
  const refused = s.refused.map((n) => `  not applied     ${n.message}`);
  const held = s.held.map((n) => `  waiting for you ${n.message} Confirm it on the team screen.`);
  return [head, ...notes, ...refused, ...held].join('\n');
}

export const mergeCommand: CliCommand = {
  name: 'merge',
  usage: 'merge --data DB FILE... [--yes] [--create] [--json]',
  summary: 'import (merge) bundles into a data store; progress on stderr, summary on stdout',
  help: [
    'Imports each bundle completely or not at all, after checking everything in it.',
    'Re-importing a bundle is harmless ("already imported, 0 changes"); the order does not matter.',
    '  --data DB              the data folder or .db file to merge into',
    `  --yes                  confirm deletions above the threshold (otherwise exit ${EXIT_NEEDS_CONFIRMATION})`,
    '  --trust-lead FP        the lead’s fingerprint, to join an inspection from its setup bundle',
    '  --create               make the data folder if it does not exist (a new laptop joining)',
    '  --passphrase-file F    a file holding the passphrase of USB hand-off bundles',
    '  --json                 machine-readable summary',
    `Exit codes: 0 all merged · 1 failed · 2 usage · 3 a bundle was refused (the others are merged) ·`,
    `            4 store problem · ${EXIT_NEEDS_CONFIRMATION} deletions need --yes.`,
  ].join('\n'),
  async run(args) {
    const { values, positionals } = parseCliArgs(args, OPTIONS);
    if (positionals.length === 0) throw new CliUsageError('Name at least one bundle file to merge.');
    const files = positionals.map((f) => requireFile(f));
    const passphrase = readPassphrase(values['passphrase-file']);
    const runtime = await openExistingData(values.data, { create: values.create === true });
    const results = new Map<string, FileResult>();
    try {
      const attempt = async (file: string): Promise<FileResult> => {
        try {
          const summary = await invokeCli(
            runtime.ctx,
            'cli.bundles.merge',
            {
              file,
              fileName: file.split(/[\\/]/).pop() ?? file,
              ...(passphrase ? { passphrase } : {}),
              ...(values.yes ? { confirmDeletions: true } : {}),
              ...(values['trust-lead'] ? { trustLead: values['trust-lead'] } : {}),
            },
            { onProgress: progressFor(file) },
          );
          return { file, status: summary.status === 'already_imported' ? 'already_imported' : 'imported', summary };
        } catch (error) {
          return { file, status: 'refused', error: describeError(error) };
        }
      };
      for (const file of files) results.set(file, await attempt(file));
      // Retry gaps while that makes progress: a later file may have supplied the missing changes.
      let retry = files.filter(
        (f) => (results.get(f) as FileResult & { error?: { reason?: string } }).error?.reason === 'chain-gap',
      );
      while (retry.length > 0) {
        for (const file of retry) results.set(file, await attempt(file));
        const still = retry.filter((f) => results.get(f)?.status === 'refused');
        if (still.length === retry.length) break;
        retry = still;
      }
    } finally {
      runtime.close();
    }
    const ordered = files.map((f) => results.get(f) as FileResult);
    for (const r of ordered) if (r.status === 'refused') process.stderr.write(`fieldwork: ${r.file}: ${r.error.message}\n`);
    if (values.json)
      writeJson({ files: ordered.map((r) => (r.status === 'refused' ? r : { ...r.summary, file: r.file, status: r.status })) });
    else process.stdout.write(`${ordered.map(line).join('\n')}\n`);
    const codes = ordered.flatMap((r) => (r.status === 'refused' ? [r.error.exit] : []));
    if (codes.length === 0) return EXIT.ok;
    for (const code of [EXIT.store, EXIT.badInput, EXIT.failed, EXIT_NEEDS_CONFIRMATION]) if (codes.includes(code)) return code;
    return codes[0] as number;
  },
};
