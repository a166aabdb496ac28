/**
 * The conflict queue a page at a time: the store reads the page's conflicts in the queue's
 * order (main/store/conflicts-repo.ts), and this describes them for people — grouped by case
 * and by finding, each with its competing values, who wrote each, when and where it came
 * from, and the resolutions that fit. The cursor names the last conflict of the page before.
 */
import * as z from 'zod';
import type { Conflict, ConflictAction, ConflictGroup, ConflictHead, ConflictList } from '../../shared/api/conflicts.js';
import { SyncedTable } from '../../shared/api/conflicts.js';
import { assertNever } from '../../shared/errors.js';
import { parseHlc } from '../../shared/sync/hlc.js';
import { canonicalJson, compareOps } from '../../shared/sync/op.js';
import { DELETED_FIELD, fieldKind, type SyncedTableName } from '../../shared/sync/tables.js';
import {
  countOpenConflicts,
  memberNamesByKey,
  readConflictPage,
  recordKey,
  type ConflictPage,
  type ConflictPosition,
  type QueuedConflict,
  type RecordColumns,
} from '../store/conflicts-repo.js';
import { fingerprint } from '../sync/device-identity.js';
import { displayValue, excerpt, fieldLabel, isFreeText, RECORD_KINDS } from './conflict-labels.js';
import type { ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';
import { decodePageCursor, encodePageCursor } from './page-cursor.js';

type GroupRef = Pick<ConflictGroup, 'key' | 'kind' | 'title'>;
const OTHER: GroupRef = { key: 'other', kind: 'other', title: 'Other records' };

/** The naming columns of a record, as the page read them (null when the record is gone). */
type Lookup = (table: SyncedTableName, row: string | null | undefined) => RecordColumns | null;

/**
 * The group the store placed a conflict in (the queue's order is the store's, so the group
 * is too: a screen joining pages relies on a group's key being the same on each page).
 */
function groupOf(look: Lookup, position: ConflictPosition): GroupRef {
  switch (position.rank) {
    case 0:
      return {
        key: `case:${position.groupId}`,
        kind: 'case',
        title: `Case ${look('sampled_case', position.groupId)?.case_ref ?? '(unknown reference)'}`,
      };
    case 1:
      return {
        key: `finding:${position.groupId}`,
        kind: 'finding',
        title: `Finding: ${excerpt(look('finding', position.groupId)?.statement, 70)}`,
      };
    case 2:
      return OTHER;
    default:
      return assertNever(position.rank);
  }
}

/** The words that name a record. */
function recordLabel(look: Lookup, table: SyncedTableName, row: string): string {
  const columns = look(table, row);
  switch (table) {
    case 'sampled_case':
      return `Case ${columns?.case_ref ?? '(unknown reference)'}`;
    case 'evidence_note':
      return `“${excerpt(columns?.text)}”`;
    case 'escalation':
      return `“${excerpt(columns?.concern)}”`;
    case 'finding':
      return `“${excerpt(columns?.statement)}”`;
    case 'finding_evidence':
      return `Link to the note “${excerpt(look('evidence_note', columns?.note_id)?.text, 60)}”`;
    case 'inspection':
      return columns?.local_authority ?? 'This inspection';
    case 'team_member':
      return columns?.name ?? '(unnamed member)';
    case 'sample_run':
      return `Sample drawn ${columns?.drawn_at ?? ''}`.trim();
    case 'accuracy_comment':
      return `Accuracy comment on “${excerpt(columns?.passage, 60)}”`;
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

export function conflictKind(table: SyncedTableName, field: string): Conflict['kind'] | null {
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

function describeConflict(queued: QueuedConflict, page: ConflictPage, look: Lookup, by: (author: string) => ConflictHead['by']) {
  const { key, sources } = queued;
  const kind = conflictKind(key.table, key.field);
  if (kind === null) return null;
  const heads = [...queued.heads].sort(compareOps);
  const seen = new Set(heads.flatMap((h) => h.deps));
  const concurrent =
    kind === 'deleted'
      ? (page.rowHeads.get(recordKey(key.table, key.row)) ?? []).filter((h) => h.field !== DELETED_FIELD && !seen.has(h.id))
      : [];
  const winner = heads[heads.length - 1];
  const columns = look(key.table, key.row);
  const conflict: Conflict = {
    table: key.table,
    row: key.row,
    field: key.field,
    fieldLabel: fieldLabel(key.field),
    kind,
    recordKind: RECORD_KINDS[key.table],
    recordLabel: recordLabel(look, key.table, key.row),
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
  return conflict;
}

const CONFLICT_CURSOR = 'conflicts';

/** A cursor's keyset: the position of the last conflict of the page before. */
const ConflictCursorKey = z.tuple([
  z.union([z.literal(0), z.literal(1), z.literal(2)]),
  z.string().max(200),
  z.string().max(100),
  SyncedTable,
  z.string().max(100),
  z.string().max(64),
]);

function encodeConflictCursor(inspectionId: string, p: ConflictPosition): string {
  return encodePageCursor(inspectionId, CONFLICT_CURSOR, [p.rank, p.sortKey, p.groupId, p.table, p.row, p.field]);
}

function decodeConflictCursor(inspectionId: string, cursor: string): ConflictPosition {
  const [rank, sortKey, groupId, table, row, field] = decodePageCursor(
    cursor,
    { inspectionId, list: CONFLICT_CURSOR, noun: 'conflict list' },
    ConflictCursorKey,
  );
  return { rank, sortKey, groupId, table, row, field };
}

interface ConflictPageInput {
  readonly inspectionId: string;
  readonly cursor: string | null;
  readonly limit: number;
}

export function listConflicts(ctx: ServiceContext, input: ConflictPageInput): ConflictList {
  const { inspectionId } = input;
  requireInspection(ctx, inspectionId);
  const after = input.cursor === null ? null : decodeConflictCursor(inspectionId, input.cursor);
  const names = memberNamesByKey(ctx.db, inspectionId);
  // A page has a handful of authors: each is named once.
  const people = new Map<string, ConflictHead['by']>();
  const by = (author: string): ConflictHead['by'] => {
    let person = people.get(author);
    if (person === undefined) {
      person = { author, name: names.get(author) ?? null, fingerprint: fingerprint(author) };
      people.set(author, person);
    }
    return person;
  };
  // One pass over the page: its heads, sources and naming columns in a fixed number of statements.
  const page = readConflictPage(ctx.db, inspectionId, after, input.limit, DELETED_FIELD);
  const look: Lookup = (table, row) => (row ? (page.records.get(recordKey(table, row)) ?? null) : null);
  // The page is in queue order, so a group's conflicts are consecutive.
  const groups: ConflictGroup[] = [];
  for (const queued of page.conflicts) {
    const conflict = describeConflict(queued, page, look, by);
    if (!conflict) continue;
    const ref = groupOf(look, queued.position);
    const last = groups[groups.length - 1];
    if (last?.key === ref.key) last.conflicts.push(conflict);
    else groups.push({ ...ref, conflicts: [conflict] });
  }
  const lastPosition = page.conflicts[page.conflicts.length - 1]?.position;
  return {
    total: countOpenConflicts(ctx.db, inspectionId),
    groups,
    next: page.more && lastPosition ? encodeConflictCursor(inspectionId, lastPosition) : null,
  };
}
