/**
 * Commands only the command-line tool calls: they name files on this computer, so they are
 * kept out of `commands` (shared/api/index.ts) and no other transport (IPC, the browser
 * bridge) can reach them. The CLI runs them through dispatch's `invokeCli()`, with the same
 * input and output checks and the same write queue as every other command.
 */
import * as z from 'zod';
import { ManifestSchema } from '../sync/bundle-manifest.js';
import { BundlePreview } from './bundles.js';
import { mutation, query, type CommandSpec } from './command.js';

const FilePath = z.string().min(1);

const BundleFile = z.object({
  file: FilePath,
  /** The name the bundle is recorded (and reported) under. */
  fileName: z.string().min(1),
  passphrase: z.string().min(1).optional(),
});

/** What importing (or previewing) a bundle file found or did. */
export const BundleFileSummary = BundlePreview.extend({ status: z.enum(['imported', 'already_imported', 'preview']) });

const Person = z.object({ fingerprint: z.string(), name: z.string().nullable() });

export const cliCommands = {
  'cli.bundles.merge': mutation(
    BundleFile.extend({ confirmDeletions: z.boolean().optional(), trustLead: z.string().optional() }),
    BundleFileSummary,
  ),
  'cli.bundles.verify': query(BundleFile, BundleFileSummary),
  'cli.bundles.export': mutation(
    z.object({
      inspectionId: z.string(),
      mode: z.enum(['delta', 'full']),
      passphrase: z.string().min(1).optional(),
      /** Where to write it (the CLI then moves it into place). */
      file: FilePath,
    }),
    z.object({ bundleId: z.string(), changesets: z.number().int(), ops: z.number().int(), size: z.number().int() }),
  ),
  /** The signed manifest, opened with this laptop's key (or the passphrase), and who its authors are. */
  'cli.bundles.inspect': query(
    z.object({ file: FilePath, passphrase: z.string().min(1).optional() }),
    z.object({ bundleId: z.string(), manifest: ManifestSchema, people: z.record(z.string(), Person) }),
  ),
} as const satisfies Record<string, CommandSpec>;

export type CliCommands = typeof cliCommands;
export type CliCommandName = keyof CliCommands;
export type CliCommandInput<K extends CliCommandName> = z.input<CliCommands[K]['input']>;
export type CliParsedInput<K extends CliCommandName> = z.output<CliCommands[K]['input']>;
export type CliCommandOutput<K extends CliCommandName> = z.output<CliCommands[K]['output']>;
