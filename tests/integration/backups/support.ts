/**
 * Shared pieces of the backup and recovery tests: writing evidence notes through the real
 * write path, hashing files, and damaging a store the way a failing disk would (bytes
 * overwritten in the middle of the file, on a page of a table other than the op log).
 */
import Database from 'better-sqlite3-multiple-ciphers';
import { createHash } from 'node:crypto';
import { closeSync, openSync, readFileSync, writeSync } from 'node:fs';
import { newId } from '../../../shared/domain/ids.js';
import { inTransaction, type ServiceContext } from '../../../main/services/context.js';
import { writeEdits } from '../../../main/sync/local-write.js';

export function hashFile(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex');
}

/** Saves an evidence note the way the app does: ops in one signed changeset, one transaction. */
export function saveNote(ctx: ServiceContext, inspectionId: string, text: string): string {
  const id = newId();
  inTransaction(ctx, () =>
    writeEdits(ctx, inspectionId, [
      { table: 'evidence_note', row: id, field: 'text', value: text },
      { table: 'evidence_note', row: id, field: 'author', value: ctx.device.author },
      { table: 'evidence_note', row: id, field: 'created_at', value: new Date(ctx.now()).toISOString() },
    ]),
  );
  return id;
}

/**
 * Overwrites the b-tree page nearest the middle of the file that belongs to `victim` (never
 * page 1 or the op log's changeset table) with garbage. Returns the page number damaged.
 */
export function damageMiddle(storePath: string, victims: readonly string[] = ['op', 'evidence_note', 'op_by_field']): number {
  const db = new Database(storePath, { readonly: true });
  let pageSize: number;
  let candidates: { pageno: number }[];
  try {
    pageSize = Number(db.pragma('page_size', { simple: true }));
    candidates = db
      .prepare(`SELECT pageno FROM dbstat WHERE name IN (${victims.map(() => '?').join(',')}) AND pageno > 1`)
      .all(...victims) as { pageno: number }[];
  } finally {
    db.close();
  }
  const pageCount = Math.floor(readFileSync(storePath).length / pageSize);
  const middle = pageCount / 2;
  const chosen = candidates.sort((a, b) => Math.abs(a.pageno - middle) - Math.abs(b.pageno - middle))[0];
  if (!chosen) throw new Error('No page of the victim tables to damage');
  const fd = openSync(storePath, 'r+');
  try {
    writeSync(fd, Buffer.alloc(pageSize, 0xa5), 0, pageSize, (chosen.pageno - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
  return chosen.pageno;
}

/** Overwrites every page of one table or index (e.g. the whole op log) with garbage. */
export function damageAllPagesOf(storePath: string, name: string): number {
  const db = new Database(storePath, { readonly: true });
  let pageSize: number;
  let pages: { pageno: number }[];
  try {
    pageSize = Number(db.pragma('page_size', { simple: true }));
    pages = db.prepare('SELECT pageno FROM dbstat WHERE name = ? AND pageno > 1').all(name) as { pageno: number }[];
  } finally {
    db.close();
  }
  const fd = openSync(storePath, 'r+');
  try {
    for (const { pageno } of pages) writeSync(fd, Buffer.alloc(pageSize, 0x5a), 0, pageSize, (pageno - 1) * pageSize);
  } finally {
    closeSync(fd);
  }
  return pages.length;
}
