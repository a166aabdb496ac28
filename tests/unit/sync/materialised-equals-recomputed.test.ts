/**
 * Law: whatever sequence of local edits, deletes, restores and exchanges happens, every
 * replica's current-value tables and conflict list equal the pure recomputation from its op log.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Op } from '../../../shared/sync/op.js';
import { resolveRow } from '../../support/row-state.js';
import { DELETED_FIELD, SYNCED_TABLES } from '../../../shared/sync/tables.js';
import { writeEdits } from '../../../main/sync/local-write.js';
import { applyOps } from '../../../main/sync/apply-ops.js';
import {
  insertChangeset,
  iterateChangesets,
  listFieldKeys,
  readFieldOps,
  listConflictKeys,
} from '../../../main/store/op-log-repo.js';
import type { DeviceIdentity } from '../../../main/sync/device-identity.js';
import { makeDevices, memoryReplica, type MemoryReplica } from '../../support/memory-context.js';
import { testCount } from '../../support/test-counts.js';

const INSPECTION = '0190a9d2-0000-7000-8000-000000000001';
const ROWS = ['0190a9d2-0000-7000-8000-0000000000a1', '0190a9d2-0000-7000-8000-0000000000a2'];
const FIELDS = ['text', 'polarity', 'themes'] as const;
const VALUES = {
  text: fc.constantFrom('Child seen alone', 'Plan is vague', 'Strategy meeting held', ''),
  polarity: fc.constantFrom('strength', 'weakness', 'neutral'),
  themes: fc.constantFrom(['neglect'], ['neglect', 'voice'], []),
};

type Action =
  | { kind: 'edit'; replica: number; row: number; field: (typeof FIELDS)[number]; value: unknown; skewMs: number }
  | { kind: 'delete' | 'restore'; replica: number; row: number; skewMs: number }
  | { kind: 'sync'; from: number; to: number };

const action: fc.Arbitrary<Action> = fc.oneof(
  {
    weight: 5,
    arbitrary: fc
      .record({
        kind: fc.constant('edit' as const),
        replica: fc.nat(2),
        row: fc.nat(1),
        field: fc.constantFrom(...FIELDS),
        value: fc.constant(null),
        skewMs: fc.integer({ min: -120_000, max: 120_000 }),
      })
      .chain((a) => VALUES[a.field].map((value) => ({ ...a, value }))),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constantFrom('delete' as const, 'restore' as const),
      replica: fc.nat(2),
      row: fc.nat(1),
      skewMs: fc.integer({ min: -120_000, max: 120_000 }),
    }),
  },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('sync' as const), from: fc.nat(2), to: fc.nat(2) }) },
);

function exchange(from: MemoryReplica, to: MemoryReplica): void {
  to.db.transaction(() => {
    for (const changeset of iterateChangesets(from.db, INSPECTION)) {
      if (!insertChangeset(to.db, { ...changeset, local: false }, 'test')) continue;
      const body = JSON.parse(changeset.body.toString('utf8')) as { ops: Op[] };
      applyOps(to.db, body.ops, changeset.id);
    }
  })();
}

function columnOf(table: string, field: string): string {
  return field === DELETED_FIELD ? 'deleted' : field;
}

function expectMaterialisedEqualsRecomputed(replica: MemoryReplica): void {
  const rows = new Map<string, Op[]>();
  for (const key of listFieldKeys(replica.db)) {
    const id = `${key.table}\u0000${key.row}`;
    rows.set(id, [...(rows.get(id) ?? []), ...readFieldOps(replica.db, key)]);
  }
  const expectedConflicts: string[] = [];
  for (const [id, ops] of rows) {
    const [table, row] = id.split('\u0000') as [keyof typeof SYNCED_TABLES, string];
    const state = resolveRow(ops);
    const stored = replica.db.prepare(`SELECT * FROM ${table} WHERE id = ?`).get(row) as Record<string, unknown>;
    for (const [field, fieldState] of state.fields) {
      const column = columnOf(table, field);
      const value = fieldState.value;
      const expected = field === DELETED_FIELD ? (value === true ? 1 : 0) : Array.isArray(value) ? JSON.stringify(value) : value;
      expect(stored[column], `${table}.${field} of ${row}`).toEqual(expected);
      if (field !== DELETED_FIELD && fieldState.conflict) expectedConflicts.push(`${table}/${row}/${field}`);
    }
    if (state.deleteConflict) expectedConflicts.push(`${table}/${row}/${DELETED_FIELD}`);
  }
  const actual = listConflictKeys(replica.db, INSPECTION).map((k) => `${k.table}/${k.row}/${k.field}`);
  expect(actual.sort()).toEqual(expectedConflicts.sort());
}

let devices: DeviceIdentity[] = [];
beforeAll(async () => {
  devices = await makeDevices(3);
});
afterAll(() => undefined);

describe('the op log and the current-value tables', () => {
  it('materialised tables always equal the recomputation from ops (edits, deletes, exchanges, skewed clocks)', () => {
    fc.assert(
      fc.property(fc.array(action, { minLength: 1, maxLength: 40 }), (actions) => {
        const replicas = devices.map((device) => memoryReplica(device));
        try {
          for (const step of actions) {
            if (step.kind === 'sync') {
              if (step.from !== step.to) exchange(replicas[step.from] as MemoryReplica, replicas[step.to] as MemoryReplica);
              continue;
            }
            const replica = replicas[step.replica] as MemoryReplica;
            replica.clock.ms += 1000 + step.skewMs;
            const row = ROWS[step.row] as string;
            const edit =
              step.kind === 'edit'
                ? { table: 'evidence_note' as const, row, field: step.field, value: step.value as never }
                : { table: 'evidence_note' as const, row, field: DELETED_FIELD, value: step.kind === 'delete' };
            replica.db.transaction(() => writeEdits(replica, INSPECTION, [edit]))();
          }
          for (const replica of replicas) expectMaterialisedEqualsRecomputed(replica);
        } finally {
          for (const replica of replicas) replica.db.close();
        }
      }),
      { numRuns: testCount('MATERIALISE_RUNS', 60, 600) },
    );
  });
});
