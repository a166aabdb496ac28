/**
 * A bundle manifest's shape (main/sync/bundle-format.ts BundleManifest), for parsing untrusted
 * bytes (main/sync/bundle-manifest.ts) and for checking what the CLI's bundle commands answer.
 * Unknown keys are refused so two readings of the same signed bytes cannot differ.
 */
import * as z from 'zod';

const AuthorKey = z.string().regex(/^[A-Za-z0-9_-]{43}$/);
const Seq = z
  .number()
  .int()
  .min(0)
  .max(2 ** 40);

export const ManifestSchema = z.strictObject({
  format: z.number().int().min(0),
  schema: z.number().int().min(0),
  inspection: z.string().min(1).max(64),
  localAuthority: z.string().max(400).nullable(),
  exporter: AuthorKey,
  exporterName: z.string().max(400).nullable(),
  createdAt: z.string().max(40),
  mode: z.enum(['delta', 'full']),
  recipients: z.array(z.string().max(2000)).max(1000),
  ranges: z.array(z.strictObject({ author: AuthorKey, first: Seq, last: Seq, count: Seq })).max(10_000),
  changesets: Seq,
  ops: Seq,
  holds: z.record(AuthorKey, Seq),
  sha256: z.strictObject({ changesets: z.string().regex(/^[0-9a-f]{64}$/) }),
});
