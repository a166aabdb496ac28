/**
 * Commands for the lead's conflict review: the queue of fields whose heads disagree (and
 * deletes concurrent with edits), and the resolutions. Each resolution is an ordinary op whose
 * deps are all the field's heads, so it supersedes them everywhere it travels.
 */
import * as z from 'zod';
import { Id } from '../domain/schemas.js';
import { SYNCED_TABLES, type SyncedTableName } from '../sync/tables.js';
import { mutation, query } from './command.js';
import { PageCursor } from './pages.js';

export const SyncedTable = z.enum(Object.keys(SYNCED_TABLES) as [SyncedTableName, ...SyncedTableName[]]);

/** 'text': free text (word diff, keep both, edit); 'value': codes, dates, numbers, lists; 'deleted': a delete that raced an edit. */
export const ConflictFieldKind = z.enum(['text', 'value', 'deleted']);
export type ConflictFieldKind = z.infer<typeof ConflictFieldKind>;

export const ConflictAction = z.enum(['keep', 'keep_both', 'edit', 'restore', 'confirm_delete']);
export type ConflictAction = z.infer<typeof ConflictAction>;

export const OpAuthor = z.object({
  author: z.string(),
  /** The roster name of the device's owner, if the key is on the team. */
  name: z.string().nullable(),
  fingerprint: z.string(),
});

export const OpSource = z.object({
  changesetId: z.string(),
  seq: z.number().int(),
  /** Written on this device rather than imported. */
  local: z.boolean(),
  receivedAt: z.string(),
  bundleFileName: z.string().nullable(),
  bundleImportedAt: z.string().nullable(),
});

export const ConflictHead = z.object({
  opId: z.string(),
  /** The exact value as canonical JSON, so nothing is lost in display. */
  valueJson: z.string(),
  /** The value in plain words (labels for codes, "(empty)" for nothing). */
  display: z.string(),
  /** Raw text for text fields (for the word diff and "keep both"); null otherwise. */
  text: z.string().nullable(),
  by: OpAuthor,
  hlc: z.string(),
  /** When it was written, from the op's clock (ISO). */
  at: z.string(),
  /** The value the app shows until the conflict is resolved. */
  shown: z.boolean(),
  source: OpSource,
});
export type ConflictHead = z.infer<typeof ConflictHead>;

/** An edit of a deleted record that the delete did not see. */
export const ConcurrentEdit = z.object({
  field: z.string(),
  fieldLabel: z.string(),
  display: z.string(),
  by: OpAuthor,
  at: z.string(),
});

export const Conflict = z.object({
  table: SyncedTable,
  row: z.string(),
  field: z.string(),
  fieldLabel: z.string(),
  kind: ConflictFieldKind,
  recordKind: z.string(),
  recordLabel: z.string(),
  rowDeleted: z.boolean(),
  heads: z.array(ConflictHead),
  concurrentEdits: z.array(ConcurrentEdit),
  actions: z.array(ConflictAction),
});
export type Conflict = z.infer<typeof Conflict>;

export const ConflictGroup = z.object({
  key: z.string(),
  kind: z.enum(['case', 'finding', 'other']),
  title: z.string(),
  conflicts: z.array(Conflict),
});
export type ConflictGroup = z.infer<typeof ConflictGroup>;

/** The most conflicts one page of the queue can hold; the screen asks for fewer. */
export const CONFLICT_PAGE_MAX = 200;
export const CONFLICT_PAGE_DEFAULT = 50;

/**
 * One page of the queue, in a fixed order: case groups, then finding groups, then other
 * records; groups by their case reference (or the start of the finding's statement), then
 * their id; within a group by table, row and field. A group can run on into the next page (it
 * keeps its key there, and the screen joins the two). `next` is the cursor for the page after
 * (null on the last); `total` is the count of every open conflict, on every page.
 */
export const ConflictList = z.object({
  total: z.number().int().nonnegative(),
  groups: z.array(ConflictGroup),
  next: z.string().nullable(),
});
export type ConflictList = z.infer<typeof ConflictList>;

const Target = {
  inspectionId: Id,
  table: SyncedTable,
  row: z.string().min(1).max(100),
  field: z.string().min(1).max(64),
};

/** Only free text is edited by hand; other fields are resolved by keeping one value. */
export const EditedValue = z.string().max(20_000);

export const ResolveConflictInput = z.discriminatedUnion('action', [
  z.object({ ...Target, action: z.literal('keep'), headOpId: z.string().min(1).max(128) }),
  z.object({ ...Target, action: z.literal('keep_both') }),
  z.object({ ...Target, action: z.literal('edit'), value: EditedValue }),
  z.object({ ...Target, action: z.literal('restore') }),
  z.object({ ...Target, action: z.literal('confirm_delete') }),
]);

/** What "keep both" puts between the two texts. */
export const KEEP_BOTH_SEPARATOR = '\n\n';

export const conflictCommands = {
  /**
   * The queue, a page at a time from the store. A page is read after the cursor's conflict, so
   * a conflict resolved (or added by an import) between pages never makes another appear twice
   * or be skipped.
   */
  'conflicts.list': query(
    z.object({
      inspectionId: Id,
      cursor: PageCursor,
      limit: z.number().int().min(1).max(CONFLICT_PAGE_MAX).default(CONFLICT_PAGE_DEFAULT),
    }),
    ConflictList,
  ),
  'conflicts.resolve': mutation(
    ResolveConflictInput,
    z.object({ opIds: z.array(z.string()), value: z.string(), remaining: z.number().int() }),
  ),
} as const;
