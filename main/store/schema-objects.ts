/**
 * What a store's schema holds. A store is opened read-only only when it is damaged, and a
 * read-only store is never migrated, so the first start of a new release on a damaged store
 * reads it at the schema the release before left: a read that needs what a later migration
 * added asks here first and falls back to what the older store has
 * (tests/integration/backups/read-only-older-store.test.ts).
 */
import type { ReadableDb } from './connection.js';
import { cached } from './statement-cache.js';

/**
 * Answers per connection, kept: a writable connection is migrated when it opens, before
 * anything reads it, and a read-only one is never migrated, so a connection's schema does not
 * change under its readers.
 */
const answers = new WeakMap<ReadableDb, Map<string, boolean>>();

/** Whether the store has a table, view, index or trigger of this name. */
export function storeHas(db: ReadableDb, name: string): boolean {
  let known = answers.get(db);
  if (!known) {
    known = new Map();
    answers.set(db, known);
  }
  let has = known.get(name);
  if (has === undefined) {
    has = cached<[string], number>(db, 'SELECT 1 FROM sqlite_schema WHERE name = ?').pluck().get(name) !== undefined;
    known.set(name, has);
  }
  return has;
}
