/**
 * The batched op-application pipeline (main/sync/apply-ops.ts `linkOps`: a whole bundle's ops
 * linked in one pass, each field materialised once, each search document refreshed once)
 * against a straightforward op-at-a-time reference: every op, in a shuffled order, inserted,
 * linked and its field and row recomputed at once through the merge rule (`resolveField` in
 * shared/sync), with no batching and no skipped recomputation. On random multi-laptop histories
 * (merge-law-harness.ts) both must give the same store: rows, heads, superseded sets, conflicts
 * and search documents.
 */
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { canonicalDump } from '../../fixtures/bundles.js';
import { makeDevices, memoryReplica, type MemoryReplica } from '../../support/memory-context.js';
import { testCount } from '../../support/test-counts.js';
import type { DeviceIdentity } from '../../../main/sync/device-identity.js';
import type { Db } from '../../../main/store/connection.js';
import { canonicalJson, resolveField, type Op } from '../../../shared/sync/op.js';
import { DELETED_FIELD, SYNCED_TABLES } from '../../../shared/sync/tables.js';
import {
  addHead,
  insertChangeset,
  insertOp,
  isSuperseded,
  iterateChangesets,
  markSuperseded,
  readHeads,
  readRowHeadIds,
  setConflict,
  type ChangesetRecord,
  type FieldKey,
} from '../../../main/store/op-log-repo.js';
import { isRowDeleted, writeFieldValue } from '../../../main/store/materialize-repo.js';
import { opsOfBody } from '../../../main/sync/bundle-verify.js';
import { actions, bundleOf, makeGenesis, runHistory, shuffled, type Genesis, type LawBundle } from './merge-law-harness.js';

const RUNS = testCount('FAST_CHECK_RUNS', 20, 1000);
const PROPERTY_TIMEOUT_MS = 30 * 60_000;

let devices: DeviceIdentity[] = [];
let genesis: Genesis;
beforeAll(async () => {
  devices = await makeDevices(5);
  genesis = makeGenesis(devices);
});

/** The reference's whole recomputation of a row's delete flag (no "may it change?" shortcut). */
function referenceDeleteFlag(db: Db, key: FieldKey, inspectionId: string): void {
  const deleteKey: FieldKey = { table: key.table, row: key.row, field: DELETED_FIELD };
  const heads = readHeads(db, deleteKey);
  const state = resolveField(heads);
  let flagged = state?.conflict ?? false;
  if (state !== null && !flagged && isRowDeleted(db, key.table, key.row)) {
    const seen = new Set(heads.flatMap((head) => head.deps));
    flagged = readRowHeadIds(db, key.table, key.row).some((h) => h.field !== DELETED_FIELD && !seen.has(h.opId));
  }
  setConflict(db, deleteKey, inspectionId, flagged);
}

/** One op, alone: stored, linked, its field and its row's delete flag recomputed, its search document refreshed. */
function referenceApply(db: Db, op: Op, changesetId: string): void {
  if (!insertOp(db, op, canonicalJson(op.value), changesetId)) return;
  const key: FieldKey = { table: op.table, row: op.row, field: op.field };
  for (const dep of op.deps) markSuperseded(db, key, dep);
  if (!isSuperseded(db, key, op.id)) addHead(db, key, op.id);
  const state = resolveField(readHeads(db, key));
  if (state === null) return;
  // writeFieldValue refreshes the row's search document at once (nothing is deferred here).
  writeFieldValue(db, key.table, key.row, op.inspection, key.field, state.value, state.winner.hlc);
  if (key.field !== DELETED_FIELD) setConflict(db, key, op.inspection, state.conflict);
  if ((SYNCED_TABLES[key.table] as { deletable: boolean }).deletable) referenceDeleteFlag(db, key, op.inspection);
}

/** Every distinct changeset the laptops hold, with its ops. */
function everyChangeset(replicas: readonly MemoryReplica[], inspectionId: string): { record: ChangesetRecord; ops: Op[] }[] {
  const byId = new Map<string, { record: ChangesetRecord; ops: Op[] }>();
  for (const replica of replicas) {
    for (const record of iterateChangesets(replica.db, inspectionId)) {
      if (!byId.has(record.id)) byId.set(record.id, { record: { ...record, local: false }, ops: opsOfBody(record.body) });
    }
  }
  return [...byId.values()];
}

function storeState(db: Db): unknown {
  return {
    ...(canonicalDump(db) as Record<string, unknown>),
    superseded: db.prepare('SELECT tbl, row_id, field, op_id FROM op_superseded ORDER BY tbl, row_id, field, op_id').all(),
    search: db.prepare('SELECT kind, row_id, inspection_id, text FROM search_doc ORDER BY row_id').all(),
  };
}

describe('the batched pipeline against an op-at-a-time reference', () => {
  it(
    'importing every laptop’s bundle through the pipeline gives the store that applying each op alone, in any order, gives',
    async () => {
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(fc.integer({ min: 2, max: 4 }), actions, fc.integer(), async (laptops, history, seed) => {
          const world = await runHistory(devices, genesis, laptops, history);
          const batched = await world.freshReplica();
          const reference = memoryReplica(devices[4] as DeviceIdentity);
          try {
            // The pipeline: each laptop's whole log as one bundle, in a shuffled order, one of them twice.
            const bundles: LawBundle[] = world.replicas.map(bundleOf);
            for (const bundle of shuffled([...bundles, bundles[0] as LawBundle], seed)) await world.importInto(batched, bundle);
            // The reference: the same changesets, every op applied alone in a shuffled order.
            const changesets = everyChangeset([...world.replicas, batched], genesis.inspectionId);
            const verdicts = batched.db.prepare("SELECT op_id FROM op_verdict WHERE kind <> 'confirmed'").all() as {
              op_id: string;
            }[];
            const refused = new Set(verdicts.map((v) => v.op_id));
            reference.db.transaction(() => {
              for (const { record } of changesets) insertChangeset(reference.db, record, '');
              const ops = changesets.flatMap(({ record, ops: own }) => own.map((op) => ({ op, changesetId: record.id })));
              for (const { op, changesetId } of shuffled(ops, seed ^ 0x5bd1e995)) {
                // A refused op is kept in the log and never takes effect (docs/authority.md).
                if (refused.has(op.id)) insertOp(reference.db, op, canonicalJson(op.value), changesetId);
                else referenceApply(reference.db, op, changesetId);
              }
            })();
            expect(storeState(batched.db)).toEqual(storeState(reference.db));
            compared += 1;
          } finally {
            batched.db.close();
            reference.db.close();
            world.close();
          }
        }),
        { numRuns: RUNS },
      );
      expect(compared).toBe(RUNS);
    },
    PROPERTY_TIMEOUT_MS,
  );
});
