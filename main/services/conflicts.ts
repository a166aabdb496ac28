/**
 * Conflict review: lists the fields whose heads disagree (and deletes that raced an edit),
 * grouped by case and by finding, and resolves them. A resolution is one ordinary op written
 * by writeEdits, whose deps are all the current heads, so it supersedes every competing value
 * on every laptop it reaches. The superseded values stay in the op log: nothing is lost.
 */
import type { Conflict, ConflictAction, ConflictGroup, ConflictHead } from '../../shared/api/conflicts.js';
import { KEEP_BOTH_SEPARATOR } from '../../shared/api/conflicts.js';
import { AppError, assertNever } from '../../shared/errors.js';
import { parseHlc } from '../../shared/sync/hlc.js';
import { canonicalJson, compareOps, type Op, type OpValue } from '../../shared/sync/op.js';
import { DELETED_FIELD, fieldKind, type SyncedTableName } from '../../shared/sync/tables.js';
import {
  countOpenConflicts,
  isConflictOpen,
  memberNamesByKey,
  readConflictQueue,
  readHeads,
  recordKey,
  type ConflictQueue,
  type RecordColumns,
} from '../store/conflicts-repo.js';
import type { FieldKey } from '../store/op-log-repo.js';
import { fingerprint } from '../sync/device-identity.js';
import { writeEdits } from '../sync/local-write.js';
import { displayValue, excerpt, fieldLabel, isFreeText, RECORD_KINDS } from './conflict-labels.js';
import { inTransaction, type HandlerGroup, type ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';

type GroupRef = Pick<ConflictGroup, 'key' | 'kind' | 'title'>;
const OTHER: GroupRef = { key: 'other', kind: 'other', title: 'Other records' };

/** The naming columns of a record, as the queue read them (null when the record is gone). */
type Lookup = (table: SyncedTableName, row: string | null | undefined) => RecordColumns | null;

function caseGroup(look: Lookup, caseId: string | null | undefined): GroupRef {
  if (!caseId) return OTHER;
  const found = look('sampled_case', caseId);
  return { key: `case:${caseId}`, kind: 'case', title: `Case ${found?.case_ref ?? '(unknown reference)'}` };
}

function findingGroup(look: Lookup, findingId: string | null | undefined): GroupRef {
  if (!findingId) return OTHER;
  const found = look('finding', findingId);
  return { key: `finding:${findingId}`, kind: 'finding', title: `Finding: ${excerpt(found?.statement, 70)}` };
}

/** Which group a record belongs to and the words that name it. */
function placeRecord(look: Lookup, table: SyncedTableName, row: string): { group: GroupRef; label: string } {
  const columns = look(table, row);
  switch (table) {
    case 'sampled_case':
      return { group: caseGroup(look, row), label: `Case ${columns?.case_ref ?? '(unknown reference)'}` };
    case 'evidence_note':
      return { group: caseGroup(look, columns?.case_id), label: `“${excerpt(columns?.text)}”` };
    case 'escalation':
      return { group: caseGroup(look, columns?.case_id), label: `“${excerpt(columns?.concern)}”` };
    case 'finding':
      return { group: findingGroup(look, row), label: `“${excerpt(columns?.statement)}”` };
    case 'finding_evidence': {
      const note = look('evidence_note', columns?.note_id);
      return { group: findingGroup(look, columns?.finding_id), label: `Link to the note “${excerpt(note?.text, 60)}”` };
    }
    case 'inspection':
      return { group: OTHER, label: columns?.local_authority ?? 'This inspection' };
    case 'team_member':
      return { group: OTHER, label: columns?.name ?? '(unnamed member)' };
    case 'sample_run':
      return { group: OTHER, label: `Sample drawn ${columns?.drawn_at ?? ''}`.trim() };
    case 'accuracy_comment':
      return { group: OTHER, label: `Accuracy comment on “${excerpt(columns?.passage, 60)}”` };
    default:
      return assertNever(table);
  }
}

function wallClock(hlc: string): string {
  try {
    return new Date(parseHlc(hlc).wallMs).toISOString();
  } catch {
    return '';
  }
}

function conflictKind(table: SyncedTableName, field: string): Conflict['kind'] | null {
  const kind = fieldKind(table, field);
  if (kind === null) return null;
  if (kind === 'deleted') return 'deleted';
  return isFreeText(table, field) ? 'text' : 'value';
}

function actionsFor(kind: Conflict['kind']): ConflictAction[] {
  switch (kind) {
    case 'deleted':
      return ['restore', 'confirm_delete'];
    case 'text':
      return ['keep', 'keep_both', 'edit'];
    case 'value':
      return ['keep'];
    default:
      return assertNever(kind);
  }
}

function describeConflict(
  queued: ConflictQueue['conflicts'][number],
  queue: ConflictQueue,
  look: Lookup,
  by: (author: string) => ConflictHead['by'],
) {
  const { key, sources } = queued;
  const kind = conflictKind(key.table, key.field);
  if (kind === null) return null;
  const heads = [...queued.heads].sort(compareOps);
  const seen = new Set(heads.flatMap((h) => h.deps));
  const concurrent =
    kind === 'deleted'
      ? (queue.rowHeads.get(recordKey(key.table, key.row)) ?? []).filter((h) => h.field !== DELETED_FIELD && !seen.has(h.id))
      : [];
  const winner = heads[heads.length - 1];
  const place = placeRecord(look, key.table, key.row);
  const columns = look(key.table, key.row);
  const conflict: Conflict = {
    table: key.table,
    row: key.row,
    field: key.field,
    fieldLabel: fieldLabel(key.field),
    kind,
    recordKind: RECORD_KINDS[key.table],
    recordLabel: place.label,
    rowDeleted: columns?.deleted === 1,
    heads: heads.map((head): ConflictHead => {
      const source = sources.get(head.id);
      return {
        opId: head.id,
        valueJson: canonicalJson(head.value),
        display: displayValue(key.table, key.field, head.value),
        text: kind === 'text' && typeof head.value === 'string' ? head.value : null,
        by: by(head.author),
        hlc: head.hlc,
        at: wallClock(head.hlc),
        shown: head.id === winner?.id,
        source: {
          changesetId: source?.changesetId ?? '',
          seq: source?.seq ?? 0,
          local: source?.local ?? false,
          receivedAt: source?.receivedAt ?? '',
          bundleFileName: source?.bundleFileName ?? null,
          bundleImportedAt: source?.bundleImportedAt ?? null,
        },
      };
    }),
    concurrentEdits: concurrent.sort(compareOps).map((op) => ({
      field: op.field,
      fieldLabel: fieldLabel(op.field),
      display: displayValue(key.table, op.field, op.value),
      by: by(op.author),
      at: wallClock(op.hlc),
    })),
    actions: actionsFor(kind),
  };
  return { group: place.group, conflict };
}

function listConflicts(ctx: ServiceContext, inspectionId: string) {
  requireInspection(ctx, inspectionId);
  const names = memberNamesByKey(ctx.db, inspectionId);
  // A queue of a thousand conflicts has a handful of authors: each is named once.
  const people = new Map<string, ConflictHead['by']>();
  const by = (author: string): ConflictHead['by'] => {
    let person = people.get(author);
    if (person === undefined) {
      person = { author, name: names.get(author) ?? null, fingerprint: fingerprint(author) };
      people.set(author, person);
    }
    return person;
  };
  // One pass: every head, source and naming column read in a fixed number of statements.
  const queue = readConflictQueue(ctx.db, inspectionId, DELETED_FIELD);
  const look: Lookup = (table, row) => (row ? (queue.records.get(recordKey(table, row)) ?? null) : null);
  const groups = new Map<string, ConflictGroup>();
  let total = 0;
  for (const queued of queue.conflicts) {
    const described = describeConflict(queued, queue, look, by);
    if (!described) continue;
    total += 1;
    const group = groups.get(described.group.key) ?? { ...described.group, conflicts: [] };
    group.conflicts.push(described.conflict);
    groups.set(group.key, group);
  }
  const order = { case: 0, finding: 1, other: 2 } as const;
  const sorted = [...groups.values()].sort(
    (a, b) => order[a.kind] - order[b.kind] || a.title.localeCompare(b.title, 'en-GB', { numeric: true }),
  );
  return { total, groups: sorted };
}

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
  'conflicts.list': (ctx, input) => listConflicts(ctx, input.inspectionId),
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
