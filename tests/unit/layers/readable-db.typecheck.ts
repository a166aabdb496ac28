/**
 * Checked by `npm run typecheck`, never run: a read handle (`ReadableDb`) cannot write. Every
 * `@ts-expect-error` below must be an error, or the typecheck fails (an unused expectation is
 * itself an error), so loosening `ReadableDb` into something that can write breaks the build.
 */
import type { ReadableDb, WritableDb } from '../../../main/store/connection.js';
import { memberName } from '../../../main/store/bundles-repo.js';
import { writeMeta, readMeta } from '../../../main/store/meta-repo.js';
import { cached } from '../../../main/store/statement-cache.js';

export function readPathCannotWrite(db: ReadableDb): void {
  // Reading is what it is for.
  db.prepare('SELECT 1').get();
  cached(db, 'SELECT 1').all();
  readMeta(db, 'schema');
  memberName(db, 'inspection', 'author');

  // @ts-expect-error a read statement has no run()
  db.prepare("DELETE FROM meta WHERE key = 'x'").run();
  // @ts-expect-error nor does a cached one
  cached(db, "UPDATE meta SET value = 'x'").run();
  // @ts-expect-error no exec()
  db.exec('DROP TABLE meta');
  // @ts-expect-error no transactions
  db.transaction(() => undefined);
  // @ts-expect-error no pragmas (journal_mode, synchronous…)
  db.pragma('journal_mode = DELETE');
  // @ts-expect-error and it cannot be handed to a write path
  writeMeta(db, 'key', 'value');
  // @ts-expect-error nor passed off as a writable handle
  const writable: WritableDb = db;
  void writable;
}

export function writePathCanRead(db: WritableDb): void {
  // A write path's handle is a read handle too, so read queries take it as they are.
  readMeta(db, 'schema');
  cached(db, "UPDATE meta SET value = 'x' WHERE key = 'y'").run();
}
