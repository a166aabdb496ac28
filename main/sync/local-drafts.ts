/**
 * Open drafts: an autosave keeps the note durable locally without a signed changeset per pause.
 *
 * DRAFT INVARIANT: a field with an open draft shows the draft's value in its current-value row
 * and search document (so every read sees what was typed), and its op log is untouched; the
 * draft is local to this laptop and never leaves it. Sealing turns every open draft of an
 * inspection into ops (deps: the field's heads when the draft began) in ONE signed changeset
 * through `sealOps`, and removes the drafts in the same transaction. Sealing happens before any
 * other write command (dispatch.ts), before any export, at quit and at the next start, when the
 * composer closes, and after a quiet spell (the renderer). docs/sync-and-merge.md, "Drafts".
 */
import { AppError } from '../../shared/errors.js';
import { canonicalJson, type Op, type OpValue } from '../../shared/sync/op.js';
import { DELETED_FIELD, fieldKind } from '../../shared/sync/tables.js';
import {
  deleteDraft,
  hasAnyDraft,
  listDrafts,
  restoreDraft,
  rowHasDraft,
  upsertDraft,
  type DraftRow,
  type DraftScope,
} from '../store/draft-repo.js';
import { writeFieldValue } from '../store/materialize-repo.js';
import { readFieldOps, readHeads, type FieldKey } from '../store/op-log-repo.js';
import { materialiseField } from './apply-ops.js';
import { checkLocalOps } from './authority.js';
import { lastEditPerField, nextHlc, ownOp, peekHlc, sealOps, type FieldEdit, type WriteContext } from './local-write.js';

/** What an op made from these edits now would look like: judged by the authority model, never stored. */
function provisionalOps(ctx: WriteContext, inspectionId: string, edits: readonly FieldEdit[]): Op[] {
  const hlc = peekHlc(ctx);
  return edits.map((edit) =>
    ownOp(
      ctx,
      inspectionId,
      edit,
      hlc,
      readHeads(ctx.db, edit).map((h) => h.id),
    ),
  );
}

/**
 * Keeps an autosave as an open draft of its row (inside the caller's transaction). The first
 * autosave of a row is judged by the authority model like any command; later ones of the same
 * open draft take the fast path: one upsert per field and the row's current value.
 */
export function saveDraft(ctx: WriteContext, inspectionId: string, edits: readonly FieldEdit[]): void {
  const byRow = new Map<string, FieldEdit[]>();
  for (const edit of lastEditPerField(edits)) {
    if (fieldKind(edit.table, edit.field) === null || edit.field === DELETED_FIELD) {
      throw new Error(`Not a draftable field: ${edit.table}.${edit.field}`);
    }
    const rowKey = `${edit.table}\u0000${edit.row}`;
    byRow.set(rowKey, [...(byRow.get(rowKey) ?? []), edit]);
  }
  const at = new Date(ctx.now()).toISOString();
  for (const rowEdits of byRow.values()) {
    const first = rowEdits[0] as FieldEdit;
    if (!rowHasDraft(ctx.db, first.table, first.row)) {
      checkLocalOps(ctx.db, inspectionId, ctx.device.author, provisionalOps(ctx, inspectionId, rowEdits), at);
    }
    for (const edit of rowEdits) {
      upsertDraft(ctx.db, edit, inspectionId, canonicalJson(edit.value), nextHlc(ctx, []), at);
      // No hlc: the row's `updated_hlc` moves when the draft is sealed.
      writeFieldValue(ctx.db, edit.table, edit.row, inspectionId, edit.field, edit.value, '');
    }
  }
}

function sameIds(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** Whether this laptop already sealed an edit of the field made on the same heads as the draft. */
function sealedElsewhere(ctx: WriteContext, key: FieldKey, deps: readonly string[]): boolean {
  return readFieldOps(ctx.db, key).some((op) => op.author === ctx.device.author && sameIds([...op.deps].sort(), deps));
}

function opFromDraft(ctx: WriteContext, draft: DraftRow): Op | null {
  const key: FieldKey = { table: draft.tbl, row: draft.row_id, field: draft.field };
  const heads = readHeads(ctx.db, key);
  const deps = (JSON.parse(draft.deps) as string[]).sort();
  // Typed and then put back as it was: nothing to record.
  if (
    heads.length === 1 &&
    sameIds(
      heads.map((h) => h.id),
      deps,
    ) &&
    canonicalJson(heads[0]?.value) === draft.value
  ) {
    return null;
  }
  if (!sameIds(heads.map((h) => h.id).sort(), deps) && sealedElsewhere(ctx, key, deps)) {
    // A backup's draft whose session this laptop sealed after the backup was taken (the sealed
    // changeset came back by salvage or an import): that one is the same or newer. Show it again.
    materialiseField(ctx.db, key, draft.inspection_id);
    return null;
  }
  // The latest autosave's timestamp, unless a head the draft did not see sorts after it.
  const late = heads.some((h) => h.hlc >= draft.hlc);
  const edit: FieldEdit = { table: draft.tbl, row: draft.row_id, field: draft.field, value: JSON.parse(draft.value) as OpValue };
  return ownOp(ctx, draft.inspection_id, edit, late ? nextHlc(ctx, heads) : draft.hlc, deps);
}

export interface SealResult {
  /** Changesets written (one per inspection with drafts that changed something). */
  readonly changesets: number;
  readonly ops: number;
}

/**
 * Seals the open drafts in `scope`: one signed changeset per inspection. Must run inside the
 * caller's transaction (the drafts go and the changeset arrives together or not at all).
 */
export function sealDrafts(ctx: WriteContext, scope: DraftScope): SealResult {
  const drafts = listDrafts(ctx.db, scope);
  if (drafts.length === 0) return { changesets: 0, ops: 0 };
  const byInspection = new Map<string, DraftRow[]>();
  for (const draft of drafts) byInspection.set(draft.inspection_id, [...(byInspection.get(draft.inspection_id) ?? []), draft]);
  let changesets = 0;
  let count = 0;
  for (const [inspectionId, open] of byInspection) {
    const ops = open.map((d) => opFromDraft(ctx, d)).filter((op): op is Op => op !== null);
    for (const draft of open) deleteDraft(ctx.db, draft);
    if (ops.length === 0) continue;
    checkLocalOps(ctx.db, inspectionId, ctx.device.author, ops, new Date(ctx.now()).toISOString());
    sealOps(ctx, inspectionId, ops);
    changesets += 1;
    count += ops.length;
  }
  return { changesets, ops: count };
}

/**
 * Before a bundle is written: this inspection's open drafts become a changeset in it. A draft the
 * authority model refuses stays local (it would be refused by the lead too); the export goes on.
 */
export function sealDraftsBeforeExport(ctx: WriteContext, inspectionId: string): void {
  if (ctx.db.readonly || !hasAnyDraft(ctx.db)) return;
  sealKeepingRefused(ctx, { kind: 'inspection', inspectionId }, () => undefined);
}

/**
 * Seals `scope` in a transaction of its own. When the authority model refuses the drafts (the
 * author was removed from the team meanwhile), nothing is sealed: the drafts stay on this laptop
 * and `refused` is told why.
 */
export function sealKeepingRefused(ctx: WriteContext, scope: DraftScope, refused: (reason: string) => void): SealResult {
  try {
    return ctx.db.transaction(() => sealDrafts(ctx, scope))();
  } catch (error) {
    if (!(error instanceof AppError) || error.code !== 'forbidden') throw error;
    refused(error.message);
    return { changesets: 0, ops: 0 };
  }
}

/**
 * Recovery: drafts read from a damaged store are newer than the restored backup's (they were
 * typed later), so they replace them and are shown again; the caller seals them.
 */
export function putBackDrafts(ctx: WriteContext, drafts: readonly DraftRow[]): void {
  for (const draft of drafts) {
    if (fieldKind(draft.tbl, draft.field) === null || draft.field === DELETED_FIELD) continue;
    restoreDraft(ctx.db, draft);
    writeFieldValue(ctx.db, draft.tbl, draft.row_id, draft.inspection_id, draft.field, JSON.parse(draft.value) as OpValue, '');
  }
}
