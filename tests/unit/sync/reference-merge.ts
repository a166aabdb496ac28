/**
 * A small in-memory reference for the merge, written from the rule as the design states it
 * and from what each laptop had SEEN when it wrote (recorded by the test, not read from deps):
 * - per field, the latest writes are those no other write of the field had seen; one value
 *   among them: that value; several different values: a conflict; the shown one is the
 *   greatest (hlc, id);
 * - a row is deleted when its latest `_deleted` writes say so; a deleted row with a latest
 *   field write the delete had not seen, or latest delete writes that disagree, is flagged.
 * The SQL merge (main/sync/apply-ops.ts) must agree with it on every replica.
 */
import { canonicalJson, compareOps, type Op } from '../../../shared/sync/op.js';
import { DELETED_FIELD, fieldKind, type SyncedTableName } from '../../../shared/sync/tables.js';

export interface ReferenceRow {
  readonly table: SyncedTableName;
  readonly row: string;
  readonly columns: Record<string, unknown>;
}

export interface ReferenceState {
  readonly rows: ReferenceRow[];
  readonly conflicts: string[];
  readonly heads: string[];
}

/** The column value SQLite holds for a resolved value of this field. */
function stored(table: SyncedTableName, field: string, value: unknown): unknown {
  const kind = fieldKind(table, field);
  if (kind === 'deleted') return value === true ? 1 : 0;
  if (value === null) return null;
  switch (kind) {
    case 'text':
      return typeof value === 'string' ? value : canonicalJson(value);
    case 'int':
      return value;
    case 'bool':
      return value === true ? 1 : 0;
    default:
      return canonicalJson(value);
  }
}

/** `seen(op)`: ids of the ops of the same field that were in the writer's store when it wrote `op`. */
export function referenceMerge(ops: readonly Op[], seen: (op: Op) => ReadonlySet<string>): ReferenceState {
  const byField = new Map<string, Op[]>();
  for (const op of ops) {
    const key = `${op.table}/${op.row}/${op.field}`;
    byField.set(key, [...(byField.get(key) ?? []), op]);
  }
  const latestOf = (fieldOps: readonly Op[]) =>
    fieldOps.filter((op) => !fieldOps.some((other) => other.id !== op.id && seen(other).has(op.id))).sort(compareOps);

  const rows = new Map<string, ReferenceRow>();
  const conflicts: string[] = [];
  const heads: string[] = [];
  const latestByRow = new Map<string, Map<string, Op[]>>();
  for (const [key, fieldOps] of byField) {
    const first = fieldOps[0] as Op;
    const latest = latestOf(fieldOps);
    const shown = latest[latest.length - 1] as Op;
    const rowKey = `${first.table}/${first.row}`;
    const row = rows.get(rowKey) ?? { table: first.table, row: first.row, columns: {} };
    row.columns[first.field === DELETED_FIELD ? 'deleted' : first.field] = stored(first.table, first.field, shown.value);
    rows.set(rowKey, row);
    for (const op of latest) heads.push(`${key}/${op.id}`);
    const values = new Set(latest.map((op) => canonicalJson(op.value)));
    if (first.field !== DELETED_FIELD && values.size > 1) conflicts.push(key);
    const perRow = latestByRow.get(rowKey) ?? new Map<string, Op[]>();
    perRow.set(first.field, latest);
    latestByRow.set(rowKey, perRow);
  }
  for (const [rowKey, perRow] of latestByRow) {
    const deletes = perRow.get(DELETED_FIELD);
    if (!deletes) continue;
    const values = new Set(deletes.map((op) => canonicalJson(op.value)));
    const deleted = (deletes[deletes.length - 1] as Op).value === true;
    // A delete "sees" the row as it was in the writer's store: every op of the row it held.
    const seenByDeletes = new Set(deletes.flatMap((op) => [...seen(op)]));
    const unseenEdit = [...perRow.entries()].some(
      ([field, latest]) => field !== DELETED_FIELD && latest.some((op) => !seenByDeletes.has(op.id)),
    );
    if (values.size > 1 || (deleted && unseenEdit)) conflicts.push(`${rowKey}/${DELETED_FIELD}`);
  }
  return { rows: [...rows.values()], conflicts: conflicts.sort(), heads: heads.sort() };
}
