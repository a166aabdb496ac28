/**
 * Applying ops to the store, used by local writes and by bundle import alike.
 *
 * MERGE INVARIANT: after applying any set of ops in any order, each field's heads are the
 * ops of that field that no known op lists in `deps`, and the materialised value and
 * conflict flag equal `resolveField` of those heads. op_superseded remembers deps that
 * arrive before the op they name, which is what makes the order irrelevant.
 */
import { canonicalJson, resolveField, type Op } from '../../shared/sync/op.js';
import { DELETED_FIELD, SYNCED_TABLES, type SyncedTableName } from '../../shared/sync/tables.js';
import type { Db } from '../store/connection.js';
import { isRowDeleted, withSearchDocsDeferred, writeFieldValue } from '../store/materialize-repo.js';
import { hasConflict, insertOp, linkHeads, readHeads, readRowHeadIds, setConflict, type FieldKey } from '../store/op-log-repo.js';

export interface ApplyResult {
  readonly inserted: number;
  readonly touched: readonly FieldKey[];
}

const keyText = (key: FieldKey): string => `${key.table}\u0000${key.row}\u0000${key.field}`;

/** Inserts unknown ops and re-materialises every field they touch. Call inside a transaction. */
export function applyOps(db: Db, ops: readonly Op[], changesetId: string): ApplyResult {
  return linkOps(db, insertOps(db, ops, changesetId));
}

/** Inserts unknown ops into the log without letting them take effect; returns those that were new. */
export function insertOps(db: Db, ops: readonly Op[], changesetId: string): Op[] {
  return ops.filter((op) => insertOp(db, op, canonicalJson(op.value), changesetId));
}

/**
 * THE SECOND HALF OF THE PIPELINE (the first is insertOps): lets ops already in the log take
 * effect, all of a batch in ONE pass — heads and superseded sets set-based for every op, then
 * each field they touch materialised once from its final heads, then each touched row's search
 * document refreshed once. Local writes (one changeset), bundle import (a whole bundle) and
 * recovery's re-apply (every salvaged changeset) all link through here. The result equals
 * linking the ops one at a time in any order (MERGE INVARIANT above; the differential property
 * in tests/unit/sync/pipeline-differential.test.ts). Only ops that passed the authority model
 * (main/sync/authority.ts) are given to it.
 */
export function linkOps(db: Db, ops: readonly Op[]): ApplyResult {
  return withSearchDocsDeferred(db, () => {
    const touched = new Map<string, FieldKey>();
    const inspectionOf = new Map<string, string>();
    for (const op of ops) {
      const key: FieldKey = { table: op.table, row: op.row, field: op.field };
      touched.set(keyText(key), key);
      inspectionOf.set(`${op.table}\u0000${op.row}`, op.inspection);
    }
    linkHeads(
      db,
      ops.map((op) => op.id),
    );
    for (const key of touched.values()) {
      materialiseField(db, key, inspectionOf.get(`${key.table}\u0000${key.row}`) as string);
    }
    return { inserted: ops.length, touched: [...touched.values()] };
  });
}

export function materialiseField(db: Db, key: FieldKey, inspectionId: string): void {
  const state = resolveField(readHeads(db, key));
  if (state === null) return;
  writeFieldValue(db, key.table, key.row, inspectionId, key.field, state.value, state.winner.hlc);
  if (key.field !== DELETED_FIELD) setConflict(db, key, inspectionId, state.conflict);
  if ((SYNCED_TABLES[key.table] as { deletable: boolean }).deletable && deleteConflictMayChange(db, key)) {
    refreshDeleteConflict(db, key.table, key.row, inspectionId);
  }
}

/**
 * Whether writing this field can change the row's delete conflict flag. That flag is the
 * `_deleted` heads' own conflict, OR (only while the row is deleted) a field head the delete
 * did not see. So for another field of a live row the recomputed flag is the `_deleted` heads'
 * own conflict, which this write did not change: if no flag is stored it stays unset, and if
 * one is stored we recompute (which keeps it). Skipping the rest saves most of the merge's reads.
 */
function deleteConflictMayChange(db: Db, key: FieldKey): boolean {
  if (key.field === DELETED_FIELD) return true;
  if (isRowDeleted(db, key.table, key.row)) return true;
  return hasConflict(db, { table: key.table, row: key.row, field: DELETED_FIELD });
}

/**
 * A delete lists every head of its row as seen. A deleted row with a head the delete did not
 * see was edited concurrently with (or after) the delete: flag it on the `_deleted` field.
 * Two delete heads with different values (deleted vs restored) are flagged the same way.
 */
function refreshDeleteConflict(db: Db, table: SyncedTableName, row: string, inspectionId: string): void {
  const key: FieldKey = { table, row, field: DELETED_FIELD };
  const deleteHeads = readHeads(db, key);
  const state = resolveField(deleteHeads);
  if (state === null) {
    setConflict(db, key, inspectionId, false);
    return;
  }
  let flagged = state.conflict;
  if (!flagged && isRowDeleted(db, table, row)) {
    const seen = new Set(deleteHeads.flatMap((head) => head.deps));
    flagged = readRowHeadIds(db, table, row).some((head) => head.field !== DELETED_FIELD && !seen.has(head.opId));
  }
  setConflict(db, key, inspectionId, flagged);
}
