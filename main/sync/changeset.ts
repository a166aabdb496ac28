/**
 * Changesets: the ops of one local transaction, as canonical bytes, signed by the author's
 * device key and chained per (inspection, author) by `prev`, so a gap can be detected.
 * Bundles carry these bytes verbatim; the signature is over exactly these bytes.
 */
import { canonicalJson, type Op } from '../../shared/sync/op.js';
import { sha256Hex } from './op-id.js';

/**
 * Format 1: no epoch (a device's first chain). Format 2 adds `epoch`, written only by a laptop
 * that was restored or rebuilt (shared/sync/chain.ts), so a laptop that never was writes the
 * same bytes as before and older versions still read them.
 */
export const CHANGESET_FORMAT = 2;
export const CHANGESET_FORMAT_WITHOUT_EPOCH = 1;

export interface ChangesetBody {
  readonly v: number;
  readonly inspection: string;
  readonly author: string;
  /** Present (and non-empty) only in format 2. */
  readonly epoch?: string;
  readonly seq: number;
  readonly prev: string | null;
  readonly ops: readonly Op[];
}

export function encodeChangeset(body: ChangesetBody): { bytes: Buffer; id: string } {
  const bytes = Buffer.from(canonicalJson(body), 'utf8');
  return { bytes, id: sha256Hex(bytes) };
}
