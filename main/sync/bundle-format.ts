/**
 * The bundle file format, version 1. Owns the byte layout, the limits and the typed rejection.
 *
 *   file      = outer header (24 bytes, plaintext) || age ciphertext
 *   outer     = "FWBUNDLE" || u16 format || u16 0 || u32 0 || u64 ciphertext length
 *   plaintext = u32 manifest length || manifest (canonical JSON) || 64-byte Ed25519 signature
 *               || { u32 body length || changeset body || 64-byte signature }* || u32 0
 *
 * The plaintext header exists so a bundle from a newer Fieldwork, a truncated copy and a
 * file that is not a bundle at all are each told apart before any decryption. Every length
 * is checked against a limit BEFORE a buffer of that size is allocated.
 */
import { AppError } from '../../shared/errors.js';
import { BUNDLE_TOO_LARGE, MAX_BUNDLE_BYTES, type BundleRejectReason } from '../../shared/api/bundles.js';

export const BUNDLE_FORMAT = 1;
export const BUNDLE_MAGIC = Buffer.from('FWBUNDLE', 'ascii');
export const OUTER_HEADER_BYTES = 24;
export const SIGNATURE_BYTES = 64;

export interface BundleLimits {
  /** Whole file. */
  readonly maxBundleBytes: number;
  readonly maxManifestBytes: number;
  /** One changeset body. */
  readonly maxRecordBytes: number;
  /**
   * A bundle file at least this large is staged in the connection's encrypted stage file
   * (main/store/stage-file.ts), so its decrypted changesets wait on disk, not in memory; a
   * smaller one is staged in memory, which is cheaper: the encrypted file cost about a fifth
   * more merge CPU on the bench's ten 9 MB bundles and saved no memory there.
   */
  readonly stageOnDiskBytes: number;
}

export const DEFAULT_LIMITS: BundleLimits = {
  maxBundleBytes: MAX_BUNDLE_BYTES,
  maxManifestBytes: 4 * 1024 * 1024,
  maxRecordBytes: 16 * 1024 * 1024,
  stageOnDiskBytes: 32 * 1024 * 1024,
};

export interface AuthorRange {
  readonly author: string;
  readonly first: number;
  readonly last: number;
  readonly count: number;
}

/** Signed by the exporter; canonical JSON. The bundle's id is the SHA-256 of these bytes. */
export interface BundleManifest {
  readonly format: number;
  readonly schema: number;
  readonly inspection: string;
  readonly localAuthority: string | null;
  readonly exporter: string;
  readonly exporterName: string | null;
  readonly createdAt: string;
  readonly mode: 'delta' | 'full';
  /** age recipients the file was encrypted to, or ['passphrase']. */
  readonly recipients: readonly string[];
  readonly ranges: readonly AuthorRange[];
  readonly changesets: number;
  readonly ops: number;
  /** Per author, the highest seq the exporter's store holds contiguously: the acknowledgement. */
  readonly holds: Readonly<Record<string, number>>;
  readonly sha256: { readonly changesets: string };
}

const REASON_MESSAGES: Record<BundleRejectReason, string> = {
  'bad-signature': 'This bundle has been altered since it was signed, so it was not imported.',
  'unknown-author':
    'This bundle contains work signed by a device that is not on the team (fingerprint {fingerprint}). If it belongs to a team member, the lead can add that key to the team first.',
  'not-a-member':
    'This laptop’s key (fingerprint {fingerprint}) is not on this inspection’s team, so the bundle cannot be joined. Ask the lead to add your key.',
  'wrong-inspection': 'This bundle belongs to a different inspection, so it was not imported.',
  'newer-format': 'This bundle was made by a newer version of Fieldwork. Update Fieldwork to import it.',
  truncated: 'This bundle is incomplete (the file was cut short, perhaps by an interrupted copy). Ask for it again.',
  corrupt: 'This bundle is damaged and cannot be read. Ask for it again.',
  'too-large': BUNDLE_TOO_LARGE,
  'wrong-key':
    'This bundle cannot be opened with this laptop’s key or the passphrase given. It was made for someone else, or the passphrase is wrong.',
  'chain-gap':
    'This bundle skips some of an inspector’s earlier changes that this laptop does not have yet. Import the earlier bundles first, or ask for a full export.',
  'not-a-bundle': 'This file is not a Fieldwork bundle.',
  fork: 'This bundle holds a second version of changes this laptop already has from the same laptop (it was restored from a backup by an older Fieldwork). It is not damaged. Ask that laptop for a full export after updating Fieldwork.',
};

/** The one way a bundle is refused: a typed code, a closed reason and a plain sentence. */
export function rejectBundle(reason: BundleRejectReason, details: Record<string, unknown> = {}, message?: string): AppError {
  const code = reason === 'newer-format' ? 'bundle_from_future' : 'bundle_invalid';
  const text = (message ?? REASON_MESSAGES[reason]).replace('{fingerprint}', String(details.fingerprint ?? 'unknown'));
  return new AppError(code, text, { ...details, reason });
}

export function isRejection(error: unknown): error is AppError {
  return (
    error instanceof AppError &&
    (error.code === 'bundle_invalid' || error.code === 'bundle_from_future') &&
    typeof error.details?.reason === 'string'
  );
}

export function encodeOuterHeader(ciphertextLength: number): Buffer {
  const header = Buffer.alloc(OUTER_HEADER_BYTES);
  BUNDLE_MAGIC.copy(header, 0);
  header.writeUInt16BE(BUNDLE_FORMAT, 8);
  header.writeBigUInt64BE(BigInt(ciphertextLength), 16);
  return header;
}

/**
 * Checks the outer header against the file's real size: returns the ciphertext length.
 * `fileSize` is known up front for both uploads (bytes) and files (stat).
 */
export function checkOuterHeader(header: Buffer, fileSize: number, limits: BundleLimits): number {
  if (fileSize > limits.maxBundleBytes) throw rejectBundle('too-large', { size: fileSize, limit: limits.maxBundleBytes });
  const magicPart = header.subarray(0, Math.min(header.length, BUNDLE_MAGIC.length));
  if (!magicPart.equals(BUNDLE_MAGIC.subarray(0, magicPart.length)) || fileSize === 0) throw rejectBundle('not-a-bundle');
  if (header.length < OUTER_HEADER_BYTES) throw rejectBundle('truncated');
  const format = header.readUInt16BE(8);
  if (format > BUNDLE_FORMAT) throw rejectBundle('newer-format', { format, supported: BUNDLE_FORMAT });
  if (format < 1 || header.readUInt16BE(10) !== 0 || header.readUInt32BE(12) !== 0) throw rejectBundle('corrupt');
  const declared = header.readBigUInt64BE(16);
  const actual = BigInt(fileSize - OUTER_HEADER_BYTES);
  if (declared > actual) throw rejectBundle('truncated', { declared: declared.toString(), actual: actual.toString() });
  if (declared < actual) throw rejectBundle('corrupt');
  return Number(declared);
}

export function u32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n, 0);
  return b;
}
