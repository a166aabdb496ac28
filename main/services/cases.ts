/**
 * Sampled cases after the draw: the list, one case, adding by hand and removing with a
 * reason (kept, restorable), allocation (by hand or balanced across the team) and the case
 * audit (grades, agreement with the area's audit, theme prompts, status). Every change is
 * an op through writeEdits.
 */
import type { z } from 'zod';
import type { AuditFields, SampledCase } from '../../shared/api/cases.js';
import { sampledCaseId } from '../../shared/domain/ids.js';
import type { Agreement, CaseStatus, Grade } from '../../shared/domain/vocabulary.js';
import { AppError } from '../../shared/errors.js';
import { balanceAllocation } from '../../shared/sampling/allocate.js';
import { findCaseListRow, latestCaseList } from '../store/case-list-repo.js';
import { getSampledCase, listAllocators, listSampledCases, type SampledCaseRow } from '../store/cases-repo.js';
import { getTeamMember } from '../store/inspections-repo.js';
import { writeEdits, type FieldEdit } from '../sync/local-write.js';
import { caseListImportHandlers } from './case-list-import.js';
import { caseSampleHandlers } from './cases-sample.js';
import { inTransaction, notFound, type HandlerGroup, type ServiceContext } from './context.js';
import { requireInspection } from './inspections.js';

function parseJson<T>(json: string | null, fallback: T, valid: (value: unknown) => boolean): T {
  if (!json) return fallback;
  try {
    const value: unknown = JSON.parse(json);
    return valid(value) ? (value as T) : fallback;
  } catch {
    return fallback;
  }
}

const isStringArray = (v: unknown) => Array.isArray(v) && v.every((x) => typeof x === 'string');
const isStringRecord = (v: unknown) =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string');

export function toSampledCase(row: SampledCaseRow): SampledCase {
  return {
    id: row.id,
    inspectionId: row.inspection_id,
    caseRef: row.case_ref ?? '',
    ageBand: row.age_band,
    stage: row.stage,
    legalStatus: row.legal_status,
    agencies: parseJson<string[]>(row.agencies, [], isStringArray),
    flags: parseJson<string[]>(row.flags, [], isStringArray),
    samplingMethod: row.sampling_method === 'manual' ? 'manual' : 'random',
    sampleRunId: row.sample_run_id,
    stratum: row.stratum,
    onList: row.on_list === null ? null : row.on_list === 1,
    selectionReason: row.selection_reason,
    removed: row.removed === 1,
    removalReason: row.removal_reason,
    allocatedTo: row.allocated_to,
    allocatedToName: row.allocated_to_name,
    status: (row.status ?? 'not_started') as CaseStatus,
    laAuditGrade: row.la_audit_grade as Grade | null,
    inspectorGrade: row.inspector_grade as Grade | null,
    auditAgreement: row.audit_agreement as Agreement | null,
    agreementReason: row.agreement_reason,
    prompts: parseJson<Record<string, string>>(row.prompts, {}, isStringRecord),
  };
}

function requireCase(ctx: ServiceContext, id: string): SampledCaseRow {
  const row = getSampledCase(ctx.db, id);
  if (!row) throw notFound('The sampled case', id);
  return row;
}

function caseEdits(id: string) {
  const edits: FieldEdit[] = [];
  const set = (field: string, value: FieldEdit['value']) => edits.push({ table: 'sampled_case', row: id, field, value });
  return { edits, set };
}

function reasonIssue(message: string): AppError {
  return new AppError('invalid_input', message, { issues: [{ path: ['agreementReason'], message }] });
}

function auditEdits(row: SampledCaseRow, fields: z.output<typeof AuditFields>): FieldEdit[] {
  const { edits, set } = caseEdits(row.id);
  const agreement = fields.auditAgreement !== undefined ? fields.auditAgreement : row.audit_agreement;
  const reason = fields.agreementReason !== undefined ? fields.agreementReason : (row.agreement_reason ?? '');
  // The rule judges the answer being given: an edit that leaves it alone (a prompt, the status)
  // saves even where a merge left a "partly" without its reason.
  const answering = fields.auditAgreement !== undefined || fields.agreementReason !== undefined;
  if (answering && (agreement === 'partly' || agreement === 'no') && reason.trim() === '') {
    throw reasonIssue(
      `Give a reason why you ${agreement === 'no' ? 'do not agree' : 'only partly agree'} with the area’s audit.`,
    );
  }
  if (fields.laAuditGrade !== undefined) set('la_audit_grade', fields.laAuditGrade);
  if (fields.inspectorGrade !== undefined) set('inspector_grade', fields.inspectorGrade);
  if (fields.auditAgreement !== undefined) set('audit_agreement', fields.auditAgreement);
  if (fields.agreementReason !== undefined)
    set('agreement_reason', fields.agreementReason === '' ? null : fields.agreementReason);
  if (fields.prompts !== undefined) {
    const prompts: Record<string, string> = parseJson<Record<string, string>>(row.prompts, {}, isStringRecord);
    for (const [key, text] of Object.entries(fields.prompts)) {
      if (text === undefined) continue;
      if (text.trim() === '') delete prompts[key];
      else prompts[key] = text;
    }
    set('prompts', prompts);
  }
  if (fields.status !== undefined) set('status', fields.status);
  else if (edits.length > 0 && (row.status ?? 'not_started') === 'not_started') set('status', 'in_progress');
  return edits;
}

function write(ctx: ServiceContext, row: SampledCaseRow, edits: readonly FieldEdit[]): SampledCase {
  inTransaction(ctx, () => writeEdits(ctx, row.inspection_id, edits));
  return toSampledCase(requireCase(ctx, row.id));
}

export const caseHandlers = {
  ...caseListImportHandlers,
  ...caseSampleHandlers,
  'cases.list': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    return listSampledCases(ctx.db, input.inspectionId).map(toSampledCase);
  },
  'cases.get': (ctx, input) => toSampledCase(requireCase(ctx, input.id)),
  'cases.add': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    const id = sampledCaseId(input.inspectionId, input.caseRef);
    inTransaction(ctx, () => {
      const before = getSampledCase(ctx.db, id);
      if (before && before.removed !== 1) {
        throw new AppError('conflict', `Case ${before.case_ref ?? input.caseRef} is already in the sample.`);
      }
      const { edits, set } = caseEdits(id);
      if (!before) {
        const list = latestCaseList(ctx.db, input.inspectionId);
        const fromList = list ? findCaseListRow(ctx.db, list.id, input.caseRef) : null;
        set('case_ref', fromList?.caseRef ?? input.caseRef);
        set('age_band', fromList?.ageBand ?? null);
        set('stage', fromList?.stage ?? null);
        set('legal_status', fromList?.legalStatus ?? null);
        set('agencies', [...(fromList?.agencies ?? [])]);
        set('flags', [...(fromList?.flags ?? [])]);
        set('status', 'not_started');
        // Without a list here it cannot be told; the lead's laptop decides from its list (case-facts.ts).
        set('stratum', fromList ? 'Added by hand from the list' : list ? 'Added by hand (not on the list)' : 'Added by hand');
      }
      set('sampling_method', 'manual');
      set('selection_reason', input.reason);
      set('removed', false);
      set('removal_reason', null);
      writeEdits(ctx, input.inspectionId, edits);
    });
    return toSampledCase(requireCase(ctx, id));
  },
  'cases.remove': (ctx, input) => {
    const row = requireCase(ctx, input.id);
    const { edits, set } = caseEdits(row.id);
    set('removed', true);
    set('removal_reason', input.reason);
    return write(ctx, row, edits);
  },
  'cases.restore': (ctx, input) => {
    const row = requireCase(ctx, input.id);
    const { edits, set } = caseEdits(row.id);
    set('removed', false);
    set('removal_reason', null);
    return write(ctx, row, edits);
  },
  'cases.allocate': (ctx, input) => {
    const row = requireCase(ctx, input.id);
    if (input.memberId !== null) {
      const member = getTeamMember(ctx.db, input.memberId);
      if (!member || member.inspection_id !== row.inspection_id) throw notFound('The team member', input.memberId);
    }
    const { edits, set } = caseEdits(row.id);
    set('allocated_to', input.memberId);
    return write(ctx, row, edits);
  },
  'cases.autoAllocate': (ctx, input) => {
    requireInspection(ctx, input.inspectionId);
    return inTransaction(ctx, () => {
      const members = listAllocators(ctx.db, input.inspectionId);
      if (members.length === 0) {
        throw new AppError('invalid_input', 'Add the lead or a team inspector to the team before allocating cases.');
      }
      const waiting = listSampledCases(ctx.db, input.inspectionId).filter(
        (c) => c.removed !== 1 && (c.allocated_to === null || !members.some((m) => m.id === c.allocated_to)),
      );
      const plan = balanceAllocation(
        waiting.map((c) => ({ id: c.id, stage: c.stage, caseRef: c.case_ref ?? '' })),
        members.map((m) => ({ id: m.id, name: m.name ?? '', load: m.load })),
      );
      const edits: FieldEdit[] = [...plan].map(([row, member]) => ({
        table: 'sampled_case',
        row,
        field: 'allocated_to',
        value: member,
      }));
      writeEdits(ctx, input.inspectionId, edits);
      return { allocated: plan.size, members: members.length };
    });
  },
  'cases.updateAudit': (ctx, input) => {
    const row = requireCase(ctx, input.id);
    return write(ctx, row, auditEdits(row, input.fields));
  },
} satisfies HandlerGroup<
  | 'cases.previewImport'
  | 'cases.commitImport'
  | 'cases.caseList'
  | 'cases.strata'
  | 'cases.runs'
  | 'cases.drawSample'
  | 'cases.list'
  | 'cases.get'
  | 'cases.add'
  | 'cases.remove'
  | 'cases.restore'
  | 'cases.allocate'
  | 'cases.autoAllocate'
  | 'cases.updateAudit'
>;
