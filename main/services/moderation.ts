/**
 * Moderation: edits to agreed findings carry a recorded reason; duplicate findings merge into
 * one. A merge is ordinary ops in one changeset (links to the target, the duplicates withdrawn
 * with `merged_into`), so it syncs, merges and can be reviewed like any other change.
 */
import { findingEvidenceId } from '../../shared/domain/ids.js';
import { AppError } from '../../shared/errors.js';
import { getFinding, linkExists, listLinkedNoteIds } from '../store/findings-repo.js';
import { writeEdits, type FieldEdit } from '../sync/local-write.js';
import { inTransaction, notFound, type HandlerGroup, type ServiceContext } from './context.js';

function requireFinding(ctx: ServiceContext, id: string) {
  const row = getFinding(ctx.db, id);
  if (!row) throw notFound('The finding', id);
  return row;
}

export const moderationHandlers = {
  'moderation.editAgreed': (ctx, input) => {
    const row = requireFinding(ctx, input.id);
    const set = (field: string, value: FieldEdit['value']): FieldEdit => ({ table: 'finding', row: input.id, field, value });
    inTransaction(ctx, () =>
      writeEdits(ctx, row.inspection_id, [
        set('kind', input.fields.kind),
        set('statement', input.fields.statement),
        set('agencies', [...new Set(input.fields.agencies)]),
        set('theme', input.fields.theme),
        set('edit_reason', input.reason),
      ]),
    );
    return { id: input.id };
  },
  'moderation.merge': (ctx, input) => {
    const target = requireFinding(ctx, input.targetId);
    const sources = [...new Set(input.sourceIds)].filter((id) => id !== input.targetId).map((id) => requireFinding(ctx, id));
    if (sources.length === 0) throw new AppError('invalid_input', 'Choose at least one other finding to merge into this one.');
    if (sources.some((s) => s.inspection_id !== target.inspection_id)) {
      throw new AppError('invalid_input', 'Findings from different inspections cannot be merged.');
    }
    const links = listLinkedNoteIds(ctx.db, target.inspection_id);
    const targetNotes = new Set(links.filter((l) => l.finding_id === target.id).map((l) => l.note_id));
    const sourceIds = new Set(sources.map((s) => s.id));
    const notesToAdd = [
      ...new Set(links.filter((l) => sourceIds.has(l.finding_id) && !targetNotes.has(l.note_id)).map((l) => l.note_id)),
    ];
    const edits: FieldEdit[] = [];
    for (const noteId of notesToAdd) {
      const linkId = findingEvidenceId(target.id, noteId);
      edits.push(
        { table: 'finding_evidence', row: linkId, field: 'finding_id', value: target.id },
        { table: 'finding_evidence', row: linkId, field: 'note_id', value: noteId },
      );
    }
    const excerpt = (target.statement ?? '').slice(0, 80);
    for (const source of sources) {
      edits.push(
        { table: 'finding', row: source.id, field: 'status', value: 'withdrawn' },
        { table: 'finding', row: source.id, field: 'merged_into', value: target.id },
        { table: 'finding', row: source.id, field: 'status_reason', value: `Merged into “${excerpt}”: ${input.reason}` },
      );
    }
    // A link to the target that was once removed is restored rather than left deleted.
    const restores = notesToAdd
      .map((noteId) => findingEvidenceId(target.id, noteId))
      .filter((linkId) => linkExists(ctx.db, linkId)?.deleted === 1)
      .map((linkId): FieldEdit => ({ table: 'finding_evidence', row: linkId, field: '_deleted', value: false }));
    // One changeset: the authority model looks for the reason beside every change it covers.
    if (target.status === 'agreed') edits.push({ table: 'finding', row: target.id, field: 'edit_reason', value: input.reason });
    inTransaction(ctx, () => writeEdits(ctx, target.inspection_id, [...edits, ...restores]));
    return { targetId: target.id, linksAdded: notesToAdd.length, withdrawn: sources.length };
  },
} satisfies HandlerGroup<'moderation.editAgreed' | 'moderation.merge'>;
