/** Small key-value settings kept in the store (clock, remembered mappings). */
import { randomBytes } from 'node:crypto';
import type { Db } from './connection.js';
import { cached } from './statement-cache.js';

export function readMeta(db: Db, key: string): string | null {
  const row = cached(db, 'SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value ?? null;
}

export function writeMeta(db: Db, key: string, value: string): void {
  cached(db, 'INSERT INTO meta(key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

export function recordDevice(db: Db, author: string, boxKey: string, at: string): void {
  cached(
    db,
    `INSERT INTO device(id, signing_public, box_public, created_at) VALUES (1, ?, ?, ?)
     ON CONFLICT(id) DO UPDATE SET signing_public = excluded.signing_public, box_public = excluded.box_public`,
  ).run(author, boxKey, at);
}

const CHAIN_EPOCH_KEY = 'chain_epoch';

/** The epoch this laptop's new changesets are written in ('' until a restore or salvage; shared/sync/chain.ts). */
export function currentChainEpoch(db: Db): string {
  return readMeta(db, CHAIN_EPOCH_KEY) ?? '';
}

/**
 * Starts a new chain epoch: called whenever the store may have lost changesets this laptop
 * already wrote (a restore from a backup, a rebuild after damage), so that its next changeset
 * never reuses a number the team may hold for different work.
 */
export function startNewChainEpoch(db: Db): string {
  const epoch = randomBytes(8).toString('hex');
  writeMeta(db, CHAIN_EPOCH_KEY, epoch);
  return epoch;
}
