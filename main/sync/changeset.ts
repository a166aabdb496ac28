/**
 * Changesets: the ops of one local transaction, as canonical bytes, signed by the author's
 * device key and chained per (inspection, author) by `prev`, so a gap can be detected.
 * Bundles carry these bytes verbatim; the signature is over exactly these bytes.
 */
import { canonicalJson, type Op } from '../../shared/sync/op.js';
import { sha256Hex } from './op-id.js';

export const CHANGESET_FORMAT = 1;

export interface ChangesetBody {
  readonly v: number;
  readonly inspection: string;
  readonly author: string;
  readonly seq: number;
  readonly prev: string | null;
  readonly ops: readonly Op[];
}

export function encodeChangeset(body: ChangesetBody): { bytes: Buffer; id: string } {
  const bytes = Buffer.from(canonicalJson(body), 'utf8');
  return { bytes, id: sha256Hex(bytes) };
}
