/**
 * Escalations: a child at immediate risk. Raising one must ALWAYS save, whatever was typed
 * (an empty concern gets a placeholder); they are add-only, so no command deletes one.
 */
import { CONCERN_PLACEHOLDER, type Escalation, type EscalationStep } from '../../shared/api/escalations.js';
import { newId } from '../../shared/domain/ids.js';
import { assertNever } from '../../shared/errors.js';
import { getEscalation, listEscalations, type EscalationRow } from '../store/escalations-repo.js';
import { rosterNamesByKey } from '../store/evidence-repo.js';
import { writeEdits, type FieldEdit } from '../sync/local-write.js';
import { inTransaction, notFound, type HandlerGroup, type ServiceContext } from './context.js';
import { authorOf } from './evidence.js';
import { requireInspection } from './inspections.js';

export { CONCERN_PLACEHOLDER };
const MAX_TEXT = 20_000;

function cleanConcern(text: string | undefined): string {
  const trimmed = (text ?? '').trim().slice(0, MAX_TEXT);
  return trimmed === '' ? CONCERN_PLACEHOLDER : trimmed;
}

function toEscalation(row: EscalationRow, names: ReadonlyMap<string, string>): Escalation {
  return {
    id: row.id,
    inspectionId: row.inspection_id,
    caseId: row.case_id,
    caseRef: row.case_ref,
    concern: row.concern ?? CONCERN_PLACEHOLDER,
    identifiedBy: authorOf(names, row.identified_by),
    identifiedAt: row.identified_at ?? '',
    leadToldAt: row.lead_told_at,
    areaToldAt: row.area_told_at,
    policeNeeded: row.police_needed === null ? null : row.police_needed === 1,
    policeToldAt: row.police_told_at,
    laResponse: row.la_response,
    closedAt: row.closed_at,
    closedBy: row.closed_by ? authorOf(names, row.closed_by) : null,
  };
}

function readEscalation(ctx: ServiceContext, id: string): Escalation {
  const row = getEscalation(ctx.db, id);
  if (!row) throw notFound('The escalation', id);
  return toEscalation(row, rosterNamesByKey(ctx.db, row.inspection_id));
}

function stepField(step: EscalationStep): string {
  switch (step) {
    case 'lead_told':
      return 'lead_told_at';
    case 'area_told':
      return 'area_told_at';
    case 'police_told':
      return 'police_told_at';
    default:
      return assertNever(step);
  }
}

function edit(id: string, field: string, value: FieldEdit['value']): FieldEdit {
  return { table: 'escalation', row: id, field, value };
}

export const escalationHandlers = {
  'escalations.list': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const names = rosterNamesByKey(ctx.db, input.inspectionId);
    return listEscalations(ctx.db, input.inspectionId, input.openOnly).map((r) => toEscalation(r, names));
  },
  'escalations.raise': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const id = newId();
    inTransaction(ctx, () =>
      writeEdits(ctx, input.inspectionId, [
        edit(id, 'concern', cleanConcern(input.concern)),
        edit(id, 'case_id', input.caseId ?? null),
        edit(id, 'identified_by', ctx.device.author),
        edit(id, 'identified_at', new Date(ctx.now()).toISOString()),
      ]),
    );
    ctx.log.warn('Child at immediate risk flagged', { escalation: id });
    return readEscalation(ctx, id);
  },
  'escalations.update': (ctx, input) => {
    const row = getEscalation(ctx.db, input.id);
    if (!row) throw notFound('The escalation', input.id);
    const edits: FieldEdit[] = [];
    if (input.concern !== undefined) edits.push(edit(input.id, 'concern', cleanConcern(input.concern)));
    if (input.policeNeeded !== undefined) edits.push(edit(input.id, 'police_needed', input.policeNeeded));
    if (input.laResponse !== undefined)
      edits.push(edit(input.id, 'la_response', input.laResponse.trim().slice(0, MAX_TEXT) || null));
    inTransaction(ctx, () => writeEdits(ctx, row.inspection_id, edits));
    return readEscalation(ctx, input.id);
  },
  'escalations.step': (ctx, input) => {
    const row = getEscalation(ctx.db, input.id);
    if (!row) throw notFound('The escalation', input.id);
    const edits = [edit(input.id, stepField(input.step), input.done ? new Date(ctx.now()).toISOString() : null)];
    if (input.step === 'police_told' && input.done) edits.push(edit(input.id, 'police_needed', true));
    inTransaction(ctx, () => writeEdits(ctx, row.inspection_id, edits));
    return readEscalation(ctx, input.id);
  },
  'escalations.close': (ctx, input) => {
    const row = getEscalation(ctx.db, input.id);
    if (!row) throw notFound('The escalation', input.id);
    if (row.closed_at === null) {
      inTransaction(ctx, () =>
        writeEdits(ctx, row.inspection_id, [
          edit(input.id, 'closed_at', new Date(ctx.now()).toISOString()),
          edit(input.id, 'closed_by', ctx.device.author),
        ]),
      );
    }
    return readEscalation(ctx, input.id);
  },
} satisfies HandlerGroup<
  'escalations.list' | 'escalations.raise' | 'escalations.update' | 'escalations.step' | 'escalations.close'
>;
