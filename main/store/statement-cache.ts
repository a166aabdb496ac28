/**
 * Prepared statements cached per connection, keyed by their final SQL text. The merge runs the
 * same dozen statements for every op, and preparing them again each time was a fifth of its CPU.
 * Only for SQL built from constants and the SYNCED_TABLES registry (a bounded set of strings),
 * and only for run/get/all: a statement being iterated cannot be shared.
 */
import type Database from 'better-sqlite3-multiple-ciphers';
import type { ReadableDb, ReadStatement, WritableDb } from './connection.js';

const byConnection = new WeakMap<ReadableDb, Map<string, ReadStatement>>();

/**
 * A write path's handle gets statements it can run; a read path's, statements it can only read.
 * `P` and `R` type the bind parameters and the row as `db.prepare<P, R>()` does.
 */
export function cached<P extends unknown[] = unknown[], R = unknown>(db: WritableDb, sql: string): Database.Statement<P, R>;
export function cached<P extends unknown[] = unknown[], R = unknown>(db: ReadableDb, sql: string): ReadStatement<P, R>;
export function cached(db: ReadableDb, sql: string): ReadStatement {
  let statements = byConnection.get(db);
  if (statements === undefined) {
    statements = new Map();
    byConnection.set(db, statements);
  }
  let statement = statements.get(sql);
  if (statement === undefined) {
    statement = db.prepare(sql);
    statements.set(sql, statement);
  }
  return statement;
}
