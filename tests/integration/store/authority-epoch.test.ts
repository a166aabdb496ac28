/**
 * A local save is judged against the ops that shape authority, read once and kept per
 * connection while the authority epoch (migration 0180) is unchanged. Its law: what the kept
 * read returns is always what a fresh read returns, after any writes of authority ops and of
 * other ops, any verdicts given, changed or taken back, and any transaction that wrote some of
 * these, read them, and was rolled back.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { inTransaction } from '../../../main/services/context.js';
import { writeEdits, type FieldEdit } from '../../../main/sync/local-write.js';
import { authorityOpsOfTables } from '../../../main/store/authority-repo.js';
import type { ReadableDb } from '../../../main/store/connection.js';
import { newId } from '../../../shared/domain/ids.js';
import { edit, exchange, setUpTeam } from '../../support/exchange.js';
import { givenInspection } from '../../support/given.js';
import { testRuntime } from '../../support/runtime.js';
import { testCount } from '../../support/test-counts.js';

/** The ops that shape authority and take effect, read straight from the log (the reference). */
function freshRead(db: ReadableDb, inspectionId: string, tables: readonly string[]): string[] {
  const where = [
    tables.includes('team_member') ? "op.tbl = 'team_member'" : null,
    tables.includes('finding') ? "(op.tbl = 'finding' AND op.field = 'status')" : null,
  ].filter((w) => w !== null);
  return db
    .prepare(
      `SELECT op.id FROM op LEFT JOIN op_verdict v ON v.op_id = op.id
       WHERE op.inspection_id = ? AND (${where.join(' OR ')}) AND (v.kind IS NULL OR v.kind = 'confirmed')
       ORDER BY op.hlc, op.id`,
    )
    .pluck()
    .all(inspectionId) as string[];
}

const TABLE_SETS = [['team_member'], ['team_member', 'finding']] as const;

describe('the authority epoch', () => {
  it('law: the kept read of the authority ops is always a fresh read, across writes, verdicts and rollbacks', async () => {
    const { rt, inspectionId } = await givenInspection();
    const db = rt.ctx.db;
    const finding = newId();
    const memberRow = db.prepare("SELECT row_id FROM op WHERE tbl = 'team_member' LIMIT 1").pluck().get() as string;
    const write = (edits: FieldEdit[]) => writeEdits(rt.ctx, inspectionId, edits);
    const authorityIds = () =>
      db.prepare("SELECT id FROM op WHERE tbl IN ('team_member', 'finding') ORDER BY rowid").pluck().all() as string[];
    type Action =
      | { kind: 'status'; value: string }
      | { kind: 'rename'; name: string }
      | { kind: 'note' }
      | { kind: 'verdict'; pick: number; verdict: 'refused' | 'held' | 'confirmed' | null };
    const action: fc.Arbitrary<Action> = fc.oneof(
      fc.constantFrom('draft', 'proposed').map((value) => ({ kind: 'status' as const, value })),
      fc.string({ minLength: 1, maxLength: 8 }).map((name) => ({ kind: 'rename' as const, name: `Asha ${name}` })),
      fc.constant({ kind: 'note' as const }),
      fc
        .tuple(fc.nat(), fc.constantFrom('refused' as const, 'held' as const, 'confirmed' as const, null))
        .map(([pick, verdict]) => ({ kind: 'verdict' as const, pick, verdict })),
    );
    const apply = (a: Action): void => {
      if (a.kind === 'status') write([{ table: 'finding', row: finding, field: 'status', value: a.value }]);
      else if (a.kind === 'rename') write([{ table: 'team_member', row: memberRow, field: 'name', value: a.name }]);
      else if (a.kind === 'note') write([{ table: 'evidence_note', row: newId(), field: 'text', value: 'A note.' }]);
      else {
        const ids = authorityIds();
        const opId = ids[a.pick % ids.length] as string;
        if (a.verdict === null) db.prepare('DELETE FROM op_verdict WHERE op_id = ?').run(opId);
        else
          db.prepare(
            `INSERT INTO op_verdict(op_id, inspection_id, kind, rule, member, change, message, decided_at)
             VALUES (?, ?, ?, 'test', 'test', 'test', 'test', '2026-12-08T00:00:00Z')
             ON CONFLICT(op_id) DO UPDATE SET kind = excluded.kind`,
          ).run(opId, inspectionId, a.verdict);
      }
    };
    const step = fc.record({
      action,
      rolledBack: fc.boolean(),
      // Not read after every step: a read kept inside a rolled-back transaction must not be
      // met again by the next write's epoch, read or not in between.
      readAfter: fc.boolean(),
      tables: fc.constantFrom(...TABLE_SETS),
    });
    const kept = (tables: readonly string[]) => authorityOpsOfTables(db, inspectionId, tables).map((op) => op.id);
    let rollbacks = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 6 }), async (steps) => {
        for (const s of steps) {
          if (s.rolledBack) {
            // Written, read (so kept) and rolled back: the kept read must not outlive it.
            expect(() =>
              inTransaction(rt.ctx, () => {
                apply(s.action);
                expect(kept(s.tables)).toEqual(freshRead(db, inspectionId, s.tables));
                throw new Error('rolled back');
              }),
            ).toThrow('rolled back');
            rollbacks += 1;
          } else {
            inTransaction(rt.ctx, () => apply(s.action));
          }
          if (s.readAfter) expect(kept(s.tables)).toEqual(freshRead(db, inspectionId, s.tables));
        }
        for (const tables of TABLE_SETS) expect(kept(tables)).toEqual(freshRead(db, inspectionId, tables));
      }),
      { numRuns: testCount('AUTHORITY_EPOCH_RUNS', 150, 1000) },
    );
    expect(rollbacks).toBeGreaterThan(50);
    expect(freshRead(db, inspectionId, ['team_member', 'finding']).length).toBeGreaterThan(10);
  });

  it('a finding the lead agreed, arriving in the lead’s bundle, is closed to the member’s next edit, though it was just judged', async () => {
    const lead = await testRuntime();
    const inspector = await testRuntime();
    try {
      const { inspectionId, findingId } = await setUpTeam(lead, inspector);
      // Written past the service's own status check, so the authority judgement alone decides;
      // edited once first, so the statuses that allow it are the kept read.
      const rewrite = (value: string) =>
        edit(inspector, inspectionId, [{ table: 'finding', row: findingId, field: 'statement', value }]);
      rewrite('Strategy meetings are timely.');
      await lead.call('findings.setStatus', { id: findingId, status: 'proposed' });
      await lead.call('findings.setStatus', { id: findingId, status: 'agreed', reason: 'Moderated with the team.' });
      // The agreement enters the member's log through the import, not a local command.
      await exchange(lead, inspector, inspectionId);
      expect(() => rewrite('Strategy meetings are always timely.')).toThrow(/Only the lead can agree/);
    } finally {
      lead.dispose();
      inspector.dispose();
    }
  });
});
