/**
 * CHAIN EPOCHS (DESIGN; docs/sync-chains.md). Each device's changesets of an inspection form
 * chains, one per epoch. The first epoch is '' (changeset format 1, no `epoch` key). A restore
 * from a backup or a rebuild after damage starts a new epoch on that laptop, so its later
 * changesets never reuse a number the team already holds for different work: the new chain
 * forks from the last changeset the restored store still has (its `prev`), and every other
 * laptop keeps both histories. A chain is named on the wire (manifest ranges and holds) by its
 * key: the author's signing key, or `<author>.<epoch>` for a later epoch.
 */

/** A later epoch's id: 16 lowercase hex digits (64 random bits). */
export const EPOCH_PATTERN = /^[0-9a-f]{16}$/;

export function chainKey(author: string, epoch: string): string {
  return epoch === '' ? author : `${author}.${epoch}`;
}

export function parseChainKey(key: string): { author: string; epoch: string } {
  const dot = key.indexOf('.');
  return dot < 0 ? { author: key, epoch: '' } : { author: key.slice(0, dot), epoch: key.slice(dot + 1) };
}
