/** Content addressing: an op's id and a changeset's id are SHA-256 of their canonical bytes. */
import { createHash } from 'node:crypto';
import { canonicalJson, type Op } from '../../shared/sync/op.js';

/** The one SHA-256 helper (lower-case hex): ids, bundle and case-list fingerprints. */
export function sha256Hex(bytes: string | Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

export function computeOpId(op: Omit<Op, 'id'>): string {
  return sha256Hex(
    canonicalJson({
      inspection: op.inspection,
      hlc: op.hlc,
      author: op.author,
      table: op.table,
      row: op.row,
      field: op.field,
      value: op.value,
      deps: [...op.deps].sort(),
    }),
  );
}
