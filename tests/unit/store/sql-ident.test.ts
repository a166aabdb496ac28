/** ident(): only names the store knows reach SQL text, quoted. */
import { describe, expect, it } from 'vitest';
import { AppError } from '../../../shared/errors.js';
import { SYNCED_TABLES } from '../../../shared/sync/tables.js';
import { ident, identLiteral, idents } from '../../../main/store/sql-ident.js';

function refusal(run: () => unknown): AppError {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('ident', () => {
  it('quotes registry tables, their fields and the columns every synced row has', () => {
    expect(ident('evidence_note')).toBe('"evidence_note"');
    expect(ident('letter_summary')).toBe('"letter_summary"');
    expect(ident('updated_hlc')).toBe('"updated_hlc"');
    expect(ident('sync_outbox')).toBe('"sync_outbox"');
    expect(idents(['text', 'agency'])).toBe('"text", "agency"');
    expect(identLiteral('finding')).toBe("'finding'");
    for (const table of Object.keys(SYNCED_TABLES)) expect(ident(table)).toBe(`"${table}"`);
  });

  it('refuses an injection, an unknown table, a quote and a name in another case', () => {
    for (const name of [
      'evidence_note; DROP TABLE x',
      'evidence_notes',
      'sqlite_master',
      'evidence"note',
      "finding'",
      'Finding',
      '',
      ' finding',
    ]) {
      const error = refusal(() => ident(name));
      expect(error.code).toBe('internal');
      expect(error.message).toMatch(/refused to build a query/);
    }
    expect(() => idents(['text', 'x) FROM inspection --'])).toThrow(AppError);
    expect(() => identLiteral("finding' OR '1'='1")).toThrow(AppError);
  });
});
