/**
 * The CLI's own commands (shared/api/cli.ts), which name files on this computer: bundle files
 * merged, verified, inspected or written. Run through dispatch's `invokeCli()`; no other
 * transport has them. Also the two bundle checks that need no store at all (no --data).
 */
import type { CliCommandName, CliCommandOutput, CliParsedInput } from '../../shared/api/cli.js';
import { memberName } from '../store/bundles-repo.js';
import { DEFAULT_LIMITS, type BundleManifest } from '../sync/bundle-format.js';
import { checkBundleStandalone, type StandaloneCheck } from '../sync/bundle-check.js';
import { fileSource, openBundle, type BundleKeys } from '../sync/bundle-reader.js';
import { fingerprint } from '../sync/device-identity.js';
import { exportBundleToFile } from '../sync/export-bundle.js';
import { importBundle, previewBundle } from '../sync/import-bundle.js';
import type { CallContext } from './context.js';
import { requireInspection } from './inspections.js';

export type CliHandler<K extends CliCommandName> = (
  ctx: CallContext,
  input: CliParsedInput<K>,
) => CliCommandOutput<K> | Promise<CliCommandOutput<K>>;

type Progress = (done: number, total: number, stage: string) => void;

/** The manifest, and each author's fingerprint and name (this store's roster, else the manifest's). */
type Inspected = CliCommandOutput<'cli.bundles.inspect'>;

async function inspectBundleFile(
  file: string,
  keys: BundleKeys,
  nameIn: (inspection: string, author: string) => string | null,
): Promise<Inspected> {
  const opened = await openBundle(fileSource(file), keys, DEFAULT_LIMITS);
  const manifest: BundleManifest = opened.manifest;
  const people: Record<string, { fingerprint: string; name: string | null }> = {};
  for (const author of [manifest.exporter, ...manifest.ranges.map((r) => r.author)]) {
    people[author] ??= {
      fingerprint: fingerprint(author),
      name: nameIn(manifest.inspection, author) ?? (author === manifest.exporter ? manifest.exporterName : null),
    };
  }
  // The parsed manifest, as read (the type's arrays are readonly; the schema's are not).
  return { bundleId: opened.bundleId, manifest: manifest as Inspected['manifest'], people };
}

export const cliHandlers: { readonly [K in CliCommandName]: CliHandler<K> } = {
  'cli.bundles.merge': (ctx, input) =>
    importBundle(ctx, fileSource(input.file), {
      fileName: input.fileName,
      limits: DEFAULT_LIMITS,
      ...(input.passphrase ? { passphrase: input.passphrase } : {}),
      ...(input.confirmDeletions ? { confirmDeletions: true } : {}),
      ...(input.trustLead ? { trustLead: input.trustLead } : {}),
      progress: ctx.progress,
    }),
  'cli.bundles.verify': (ctx, input) =>
    previewBundle(ctx, fileSource(input.file), {
      fileName: input.fileName,
      ...(input.passphrase ? { passphrase: input.passphrase } : {}),
      progress: ctx.progress,
    }),
  'cli.bundles.export': async (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const result = await exportBundleToFile(
      ctx,
      {
        inspectionId: input.inspectionId,
        mode: input.mode,
        recipients: input.passphrase ? { kind: 'passphrase', passphrase: input.passphrase } : { kind: 'team' },
        progress: ctx.progress,
      },
      input.file,
    );
    return { bundleId: result.bundleId, changesets: result.changesets, ops: result.ops, size: result.size };
  },
  'cli.bundles.inspect': (ctx, input) =>
    inspectBundleFile(
      input.file,
      { ageIdentity: ctx.device.ageIdentity, ...(input.passphrase ? { passphrase: input.passphrase } : {}) },
      (inspection, author) => memberName(ctx.db, inspection, author),
    ),
};

/** `bundle inspect` without a store: opened with the passphrase alone, names from the manifest. */
export function inspectBundleWithPassphrase(file: string, passphrase: string): Promise<Inspected> {
  return inspectBundleFile(file, { passphrase }, () => null);
}

/** `bundle verify` without a store: every signature and hash, the roster not checked. */
export function checkBundleWithPassphrase(
  file: string,
  passphrase: string | undefined,
  progress: Progress,
): Promise<StandaloneCheck> {
  return checkBundleStandalone(fileSource(file), { passphrase }, DEFAULT_LIMITS, progress);
}
