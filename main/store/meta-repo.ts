/** Small key-value settings kept in the store (clock, remembered mappings). */
import type { Db, ReadableDb } from './connection.js';
import { cached } from './statement-cache.js';

export function readMeta(db: ReadableDb, key: string): string | null {
  const row = cached<[string], { value: string }>(db, 'SELECT value FROM meta WHERE key = ?').get(key);
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

/**
 * CHAIN LINES (docs/sync-and-merge.md, "Restores and forks"). A store put back from a backup
 * (restore, the recovery screen, salvage) may be behind changesets this laptop already sent:
 * reusing their sequence numbers would fork its chain under the same numbers. So restoring
 * writes a floor, taken from the clock at the restore and never from the backup itself, and
 * this laptop's next changeset in each inspection jumps above it: a new line of the same chain
 * whose `prev` is the last changeset the restored store holds.
 */
const CHAIN_FLOOR = 'chain_floor';

/**
 * Seq numbers per second of a restore's clock: more changesets than one laptop makes in a
 * second, so a second restore (of the same backup, even) starts above the line the first one
 * began, as long as the clock has not gone back. Today's floor (~4.6e11) stays well inside the
 * bundle format's seq bound (2^40) until the year 2106.
 */
export const CHAIN_FLOOR_PER_SECOND = 256;

export function startNewChainLine(db: Db, atMs: number): void {
  const floor = Math.max(Math.floor(atMs / 1000) * CHAIN_FLOOR_PER_SECOND, chainFloor(db) + 1);
  writeMeta(db, CHAIN_FLOOR, String(floor));
}

export function chainFloor(db: Db): number {
  const value = Number(readMeta(db, CHAIN_FLOOR) ?? 0);
  return Number.isSafeInteger(value) && value > 0 ? value : 0;
}
