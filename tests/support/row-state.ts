/**
 * The test oracle (only tests use it): the pure recomputation of a row from its ops: each field by the merge rule, plus the
 * delete-vs-edit flag. The store maintains the same state incrementally (main/sync/apply-ops.ts);
 * property tests check the two always agree.
 */
import { resolveField, type FieldState, type Op } from '../../shared/sync/op.js';
import { DELETED_FIELD } from '../../shared/sync/tables.js';

export interface RowState {
  readonly fields: ReadonlyMap<string, FieldState>;
  readonly deleted: boolean;
  /** Concurrent delete/restore, or a field head the winning delete did not see. */
  readonly deleteConflict: boolean;
}

export function resolveRow(ops: readonly Op[]): RowState {
  const byField = new Map<string, Op[]>();
  for (const op of ops) {
    const list = byField.get(op.field) ?? [];
    list.push(op);
    byField.set(op.field, list);
  }
  const fields = new Map<string, FieldState>();
  for (const [field, fieldOps] of byField) {
    const state = resolveField(fieldOps);
    if (state) fields.set(field, state);
  }
  const deletion = fields.get(DELETED_FIELD);
  const deleted = deletion?.value === true;
  let deleteConflict = deletion?.conflict ?? false;
  if (deletion && !deleteConflict && deleted) {
    const seen = new Set(deletion.heads.flatMap((head) => head.deps));
    deleteConflict = [...fields.entries()].some(
      ([field, state]) => field !== DELETED_FIELD && state.heads.some((head) => !seen.has(head.id)),
    );
  }
  return { fields, deleted, deleteConflict };
}
