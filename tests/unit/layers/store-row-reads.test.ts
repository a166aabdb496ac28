/**
 * Row reads in main/store are typed where the statement is prepared
 * (`db.prepare<[string], NoteRow>(…)`, `cached<P, R>(db, …)`), never cast at the read: a
 * cast (`.get(…) as NoteRow`) says whatever it is told, so a wrong column type would compile.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { rowReadCasts, storeFindings } from '../../support/store-sql-scan.js';

const ROOT = join(__dirname, '..', '..', '..');

describe('row reads in main/store', () => {
  it('are typed by the statement, never cast', () => {
    const casts = storeFindings(ROOT, rowReadCasts);
    expect(casts).toEqual([]);
  });

  it('the scan sees a cast on get, all and iterate, wrapped or not', () => {
    const source = `
      const a = db.prepare('SELECT 1 AS n').get() as { n: number };
      const b = (cached(db, 'SELECT 1').get(id) as Row | undefined) ?? null;
      const c = db.prepare(sql).all(x, y) as Row[];
      const d = (stmt.get(id) ?? fallback) as Row;
      for (const r of db.prepare(sql).iterate() as IterableIterator<Row>) void r;
      const typed = db.prepare<[string], Row>(sql).get(id);
      const parsed = JSON.parse(row.value) as OpValue;`;
    expect(rowReadCasts('probe.ts', source).map((f) => f.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('a finding names the function it is in, so a skip by function covers that one alone', () => {
    const source = `
      export function listImportedBundles(db: ReadableDb) {
        return cached(db, sql).all().map((r) => r as Row).concat(db.prepare(sql).all() as Row[]);
      }
      export function conflictKeySet(db: ReadableDb) {
        return new Set((cached(db, sql).all() as Row[]).map((r) => r.id));
      }
      const top = db.prepare(sql).get() as Row;`;
    expect(rowReadCasts('probe.ts', source).map((f) => [f.line, f.inFunction])).toEqual([
      [3, 'listImportedBundles'],
      [6, 'conflictKeySet'],
      [8, null],
    ]);
  });
});
