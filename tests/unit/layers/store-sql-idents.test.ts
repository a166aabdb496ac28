/**
 * A name interpolated into SQL in main/store (a table or column from the SYNCED_TABLES
 * registry) goes through `ident()`, which refuses anything that is not a registry name and
 * quotes it. Other interpolations are constant fragments, choices between literals, or
 * `…Sql` fragments of literal SQL with placeholders (see tests/support/store-sql-scan.ts).
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { storeFindings, unsafeSqlInterpolations } from '../../support/store-sql-scan.js';

const ROOT = join(__dirname, '..', '..', '..');

describe('SQL built in main/store', () => {
  it('interpolates registry names only through ident()', () => {
    const unsafe = storeFindings(ROOT, unsafeSqlInterpolations);
    expect(unsafe).toEqual([]);
  });

  it('the scan flags a bare name in a prepared template or in SQL text built elsewhere', () => {
    const source = `
      db.prepare(\`SELECT deleted FROM \${table} WHERE id = ?\`).get(id);
      cached(db, \`UPDATE \${ident(table)} SET \${column} = ?\`).run(v);
      const sql = \`SELECT * FROM \${name} ORDER BY id\`;
      db.prepare(\`SELECT \${ident(table, column)} FROM \${ident(table)} WHERE \${where.sql} \${seekSql} \${NOTE_SELECT}\`);
      db.prepare(\`SELECT 1 \${open ? 'AND closed_at IS NULL' : ''}\`);
      const message = \`could not open \${path}\`;`;
    expect(unsafeSqlInterpolations('probe.ts', source).map((f) => `${f.line} ${f.text}`)).toEqual([
      '2 table',
      '3 column',
      '4 name',
    ]);
  });
});
