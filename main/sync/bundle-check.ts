/**
 * Checking a bundle without a store (the CLI's `bundle verify` with only a passphrase):
 * framing, decryption, the manifest signature, every changeset's signature and ops, counts
 * and the section hash. Roster and chain continuity need a store and are not checked here.
 */
import { rejectBundle, type BundleLimits, type BundleManifest } from './bundle-format.js';
import { openBundle, type BundleKeys, type BundleSource } from './bundle-reader.js';
import { verifyChangeset } from './bundle-verify.js';
import { withSignatureChecks } from './signature-checks.js';

export interface StandaloneCheck {
  readonly manifest: BundleManifest;
  readonly bundleId: string;
  readonly changesets: number;
  readonly ops: number;
}

export async function checkBundleStandalone(
  source: BundleSource,
  keys: BundleKeys,
  limits: BundleLimits,
  progress: (done: number, total: number, stage: string) => void = () => undefined,
): Promise<StandaloneCheck> {
  const opened = await openBundle(source, keys, limits);
  let changesets = 0;
  let ops = 0;
  await withSignatureChecks(async (signatures) => {
    for await (const raw of opened.records()) {
      ops += verifyChangeset(raw, opened.manifest, undefined, signatures.check).ops.length;
      changesets += 1;
      progress(changesets, opened.manifest.changesets, 'Checking');
      await signatures.admit();
    }
  });
  if (ops !== opened.manifest.ops) throw rejectBundle('corrupt');
  return { manifest: opened.manifest, bundleId: opened.bundleId, changesets, ops };
}
