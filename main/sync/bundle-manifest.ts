/**
 * The manifest's shape, parsed from untrusted bytes at once. Unknown keys are refused so two
 * readings of the same signed bytes cannot differ.
 */
import { ManifestSchema } from '../../shared/sync/bundle-manifest.js';
import { rejectBundle, type BundleManifest } from './bundle-format.js';

export function parseManifest(bytes: Buffer): BundleManifest {
  let raw: unknown;
  try {
    raw = JSON.parse(bytes.toString('utf8'));
  } catch {
    throw rejectBundle('corrupt');
  }
  const result = ManifestSchema.safeParse(raw);
  if (result.success) return result.data;
  // A newer format may have fields this version does not know: say "update", not "damaged".
  const format = (raw as { format?: unknown } | null)?.format;
  if (typeof format === 'number' && format > 1) throw rejectBundle('newer-format', { format });
  throw rejectBundle('corrupt');
}
