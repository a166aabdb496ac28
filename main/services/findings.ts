/**
 * Draft findings: statement, kind, agencies and theme; evidence notes linked by a row whose
 * id is derived from both ends (so two inspectors linking the same pair converge); status
 * moves draft → proposed → agreed, and any finding can be withdrawn or reopened as a draft.
 */
import type { Finding, FindingDetail, FindingFields } from '../../shared/api/findings.js';
import { findingEvidenceId, newId } from '../../shared/domain/ids.js';
import { FINDING_STATUSES, type Agency, type FindingKind, type FindingStatus } from '../../shared/domain/vocabulary.js';
import { STATUS_MOVES } from '../../shared/domain/finding-status.js';
import { AppError } from '../../shared/errors.js';
import { triangulate } from '../../shared/triangulation.js';
import { getNote, getNotesByIds, rosterNamesByKey, type NoteRow } from '../store/evidence-repo.js';
import { getFinding, linkExists, listFindings, listLinkedNoteIds, type FindingRow } from '../store/findings-repo.js';
import { writeEdits, type FieldEdit } from '../sync/local-write.js';
import { inTransaction, notFound, type HandlerGroup, type ServiceContext } from './context.js';
import { authorOf, parseJsonList, toNote } from './evidence.js';
import { requireInspection } from './inspections.js';

function summary(notes: readonly NoteRow[]): Finding['triangulation'] {
  const t = triangulate(notes.map((n) => ({ caseId: n.case_id, source: n.source, agency: n.agency, author: n.author ?? '' })));
  return { ...t, sources: [...t.sources], agencies: [...t.agencies], inspectors: [...t.inspectors], reasons: [...t.reasons] };
}

function toFinding(row: FindingRow, notes: readonly NoteRow[], names: ReadonlyMap<string, string>): Finding {
  return {
    id: row.id,
    inspectionId: row.inspection_id,
    kind: (row.kind ?? 'improvement') as FindingKind,
    statement: row.statement ?? '',
    agencies: parseJsonList(row.agencies) as Agency[],
    theme: row.theme,
    status: (row.status ?? 'draft') as FindingStatus,
    statusReason: row.status_reason,
    author: authorOf(names, row.author),
    createdAt: row.created_at ?? '',
    noteIds: notes.map((n) => n.id),
    triangulation: summary(notes),
  };
}

function linkedNotes(ctx: ServiceContext, inspectionId: string, findingId: string): NoteRow[] {
  const ids = listLinkedNoteIds(ctx.db, inspectionId)
    .filter((l) => l.finding_id === findingId)
    .map((l) => l.note_id);
  return getNotesByIds(ctx.db, ids);
}

function requireFinding(ctx: ServiceContext, id: string): FindingRow {
  const row = getFinding(ctx.db, id);
  if (!row || row.statement === null) throw notFound('The finding', id);
  return row;
}

function readDetail(ctx: ServiceContext, id: string): FindingDetail {
  const row = requireFinding(ctx, id);
  const names = rosterNamesByKey(ctx.db, row.inspection_id);
  const notes = linkedNotes(ctx, row.inspection_id, id);
  const finding = toFinding(row, notes, names);
  return {
    ...finding,
    notes: notes.map((n) => toNote(n, names)),
    inspectorNames: finding.triangulation.inspectors.map((k) => authorOf(names, k).name),
  };
}

function fieldEdits(id: string, fields: FindingFields): FieldEdit[] {
  const set = (field: string, value: FieldEdit['value']): FieldEdit => ({ table: 'finding', row: id, field, value });
  return [
    set('kind', fields.kind),
    set('statement', fields.statement),
    set('agencies', [...new Set(fields.agencies)]),
    set('theme', fields.theme?.trim() ? fields.theme.trim() : null),
  ];
}

/**
 * An agreed finding's evidence changes only with a reason (docs/authority.md), recorded as the
 * finding's edit reason in the same changeset; the lead-only rule is the authority model's.
 */
function agreedReason(finding: FindingRow, reason: string | undefined): FieldEdit[] {
  if (finding.status !== 'agreed') return [];
  if (!reason?.trim()) {
    throw new AppError(
      'invalid_input',
      'This finding is agreed: give a reason for changing its evidence. It is recorded with the change.',
      {
        issues: [{ path: ['reason'], message: 'Give a reason: it is recorded with the change' }],
      },
    );
  }
  return [{ table: 'finding', row: finding.id, field: 'edit_reason', value: reason.trim() }];
}

export const findingHandlers = {
  'findings.list': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const names = rosterNamesByKey(ctx.db, input.inspectionId);
    const links = listLinkedNoteIds(ctx.db, input.inspectionId);
    const notes = new Map(getNotesByIds(ctx.db, [...new Set(links.map((l) => l.note_id))]).map((n) => [n.id, n]));
    return listFindings(ctx.db, input.inspectionId, input.filters).map((row) =>
      toFinding(
        row,
        links.filter((l) => l.finding_id === row.id).flatMap((l) => notes.get(l.note_id) ?? []),
        names,
      ),
    );
  },
  'findings.get': (ctx, input) => readDetail(ctx, input.id),
  'findings.create': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const id = newId();
    inTransaction(ctx, () =>
      writeEdits(ctx, input.inspectionId, [
        ...fieldEdits(id, input.fields),
        { table: 'finding', row: id, field: 'status', value: 'draft' },
        { table: 'finding', row: id, field: 'author', value: ctx.device.author },
        { table: 'finding', row: id, field: 'created_at', value: new Date(ctx.now()).toISOString() },
      ]),
    );
    return readDetail(ctx, id);
  },
  'findings.update': (ctx, input) => {
    const row = requireFinding(ctx, input.id);
    if (row.status === 'agreed') {
      // Agreed findings are locked: a change goes through moderation.editAgreed with a recorded reason.
      throw new AppError('invalid_input', 'This finding was agreed by the team. Change it from Moderation, giving a reason.');
    }
    inTransaction(ctx, () => writeEdits(ctx, row.inspection_id, fieldEdits(input.id, input.fields)));
    return readDetail(ctx, input.id);
  },
  'findings.setStatus': (ctx, input) => {
    const row = requireFinding(ctx, input.id);
    const from = (row.status ?? 'draft') as FindingStatus;
    if (from !== input.status && !STATUS_MOVES[from].includes(input.status)) {
      throw new AppError(
        'invalid_input',
        `A finding that is ${FINDING_STATUSES[from].toLowerCase()} cannot be made ${FINDING_STATUSES[input.status].toLowerCase()}.`,
      );
    }
    const settles = from === 'agreed' || input.status === 'agreed' || input.status === 'withdrawn';
    if (from !== input.status && settles && !input.reason?.trim()) {
      throw new AppError(
        'invalid_input',
        'Give a reason for agreeing, reopening or withdrawing a finding: it is recorded with the change.',
        {
          issues: [{ path: ['reason'], message: 'Give a reason: it is recorded with the change' }],
        },
      );
    }
    inTransaction(ctx, () =>
      writeEdits(ctx, row.inspection_id, [
        { table: 'finding', row: input.id, field: 'status', value: input.status },
        { table: 'finding', row: input.id, field: 'status_reason', value: input.reason?.trim() || null },
      ]),
    );
    return readDetail(ctx, input.id);
  },
  'findings.link': (ctx, input) => {
    const finding = requireFinding(ctx, input.findingId);
    const note = getNote(ctx.db, input.noteId);
    if (!note || note.deleted === 1 || note.inspection_id !== finding.inspection_id) {
      throw new AppError('invalid_input', 'That evidence note cannot be linked: it is deleted or in another inspection.');
    }
    const linkId = findingEvidenceId(input.findingId, input.noteId);
    const existing = linkExists(ctx.db, linkId);
    const reason = agreedReason(finding, input.reason);
    inTransaction(ctx, () => {
      if (!existing) {
        writeEdits(ctx, finding.inspection_id, [
          { table: 'finding_evidence', row: linkId, field: 'finding_id', value: input.findingId },
          { table: 'finding_evidence', row: linkId, field: 'note_id', value: input.noteId },
          ...reason,
        ]);
      } else if (existing.deleted === 1) {
        writeEdits(ctx, finding.inspection_id, [
          { table: 'finding_evidence', row: linkId, field: '_deleted', value: false },
          ...reason,
        ]);
      }
    });
    return readDetail(ctx, input.findingId);
  },
  'findings.unlink': (ctx, input) => {
    const finding = requireFinding(ctx, input.findingId);
    const linkId = findingEvidenceId(input.findingId, input.noteId);
    const existing = linkExists(ctx.db, linkId);
    if (existing && existing.deleted === 0) {
      const reason = agreedReason(finding, input.reason);
      inTransaction(ctx, () =>
        writeEdits(ctx, finding.inspection_id, [
          { table: 'finding_evidence', row: linkId, field: '_deleted', value: true },
          ...reason,
        ]),
      );
    }
    return readDetail(ctx, input.findingId);
  },
} satisfies HandlerGroup<
  | 'findings.list'
  | 'findings.get'
  | 'findings.create'
  | 'findings.update'
  | 'findings.setStatus'
  | 'findings.link'
  | 'findings.unlink'
>;
