/** Small key-value settings kept in the store (clock, remembered mappings). */
import type { Db, ReadableDb } from './connection.js';
import { cached } from './statement-cache.js';

export function readMeta(db: ReadableDb, key: string): string | null {
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
