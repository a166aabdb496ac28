/**
 * Conflict review: lists the fields whose heads disagree (and deletes that raced an edit), a
 * page at a time (main/services/conflict-list.ts), and resolves them. A resolution is one
 * ordinary op written by writeEdits, whose deps are all the current heads, so it supersedes
 * every competing value on every laptop it reaches. The superseded values stay in the op log:
 * nothing is lost.
 */
import { KEEP_BOTH_SEPARATOR } from '../../shared/api/conflicts.js';
import { AppError, assertNever } from '../../shared/errors.js';
import { compareOps, type Op, type OpValue } from '../../shared/sync/op.js';
import { countOpenConflicts, isConflictOpen, readHeads } from '../store/conflicts-repo.js';
import type { FieldKey } from '../store/op-log-repo.js';
import { writeEdits } from '../sync/local-write.js';
import { conflictKind, listConflicts } from './conflict-list.js';
import { displayValue, fieldLabel } from './conflict-labels.js';
import { inTransaction, type HandlerGroup } from './context.js';
import { requireInspection } from './inspections.js';

const stale = () =>
  new AppError(
    'conflict',
    'This conflict has changed since it was shown (perhaps resolved in another window or by an imported bundle). Look at it again before choosing.',
  );

function keepBoth(heads: readonly Op[]): string {
  const texts: string[] = [];
  for (const head of [...heads].sort(compareOps)) {
    if (typeof head.value === 'string' && head.value.trim() !== '' && !texts.includes(head.value)) texts.push(head.value);
  }
  return texts.join(KEEP_BOTH_SEPARATOR);
}

export const conflictHandlers = {
  'conflicts.list': (ctx, input) => listConflicts(ctx, input),
  'conflicts.resolve': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const key: FieldKey = { table: input.table, row: input.row, field: input.field };
    const kind = conflictKind(key.table, key.field);
    if (kind === null) throw new AppError('invalid_input', `${input.table} has no field called “${input.field}”.`);
    return inTransaction(ctx, () => {
      if (!isConflictOpen(ctx.db, input.inspectionId, key)) throw stale();
      const heads = readHeads(ctx.db, key);
      let value: OpValue;
      switch (input.action) {
        case 'keep': {
          const head = heads.find((h) => h.id === input.headOpId);
          if (!head) throw stale();
          value = head.value;
          break;
        }
        case 'keep_both':
        case 'edit':
          if (kind !== 'text') {
            throw new AppError('invalid_input', `“${fieldLabel(key.field)}” is not free text: keep one of the values instead.`);
          }
          value = input.action === 'edit' ? input.value : keepBoth(heads);
          break;
        case 'restore':
        case 'confirm_delete':
          if (kind !== 'deleted')
            throw new AppError('invalid_input', 'Only a deleted record can be restored or its deletion confirmed.');
          value = input.action === 'confirm_delete';
          break;
        default:
          return assertNever(input);
      }
      const ops = writeEdits(ctx, input.inspectionId, [{ ...key, value }]);
      return {
        opIds: ops.map((op) => op.id),
        value: displayValue(key.table, key.field, value),
        remaining: countOpenConflicts(ctx.db, input.inspectionId),
      };
    });
  },
} satisfies HandlerGroup<'conflicts.list' | 'conflicts.resolve'>;
